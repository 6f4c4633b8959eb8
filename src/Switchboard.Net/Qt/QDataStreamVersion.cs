namespace Switchboard.Net.Qt;

/// <summary>
/// The QDataStream format versions, with the numbers Qt itself uses (<c>QDataStream::Version</c>).
/// Several Qt releases share one number because their format did not change.
/// </summary>
/// <remarks>
/// For the types this library reads and writes, the version matters in three places only:
/// <list type="bullet">
/// <item><see cref="Qt_1_0"/> writes a QString as a Latin-1 QByteArray.</item>
/// <item>Before <see cref="Qt_2_1"/> a null QString is written as an empty one.</item>
/// <item>Before <see cref="Qt_3_3"/> a null QByteArray is written as an empty one.</item>
/// </list>
/// Integers, bool and double are the same in every version (a double is always 8 bytes: only
/// <c>float</c>, which this library does not handle, depends on the Qt 4.6 floating-point precision setting).
/// Versions after Qt 5.15 are not accepted.
/// </remarks>
#pragma warning disable CA1707 // The names mirror Qt's QDataStream::Qt_X_Y so they can be matched at a glance.
public enum QDataStreamVersion
{
    /// <summary>Qt 1.0 (QString as Latin-1).</summary>
    Qt_1_0 = 1,
    /// <summary>Qt 2.0 (null QString written as empty).</summary>
    Qt_2_0 = 2,
    /// <summary>Qt 2.1 and 2.2.</summary>
    Qt_2_1 = 3,
    /// <summary>Qt 3.0.</summary>
    Qt_3_0 = 4,
    /// <summary>Qt 3.1 and 3.2.</summary>
    Qt_3_1 = 5,
    /// <summary>Qt 3.3 (first version with the null QByteArray marker).</summary>
    Qt_3_3 = 6,
    /// <summary>Qt 4.0 and 4.1.</summary>
    Qt_4_0 = 7,
    /// <summary>Qt 4.2.</summary>
    Qt_4_2 = 8,
    /// <summary>Qt 4.3.</summary>
    Qt_4_3 = 9,
    /// <summary>Qt 4.4.</summary>
    Qt_4_4 = 10,
    /// <summary>Qt 4.5.</summary>
    Qt_4_5 = 11,
    /// <summary>Qt 4.6 to 4.9.</summary>
    Qt_4_6 = 12,
    /// <summary>Qt 5.0.</summary>
    Qt_5_0 = 13,
    /// <summary>Qt 5.1.</summary>
    Qt_5_1 = 14,
    /// <summary>Qt 5.2 and 5.3.</summary>
    Qt_5_2 = 15,
    /// <summary>Qt 5.4 and 5.5.</summary>
    Qt_5_4 = 16,
    /// <summary>Qt 5.6 to 5.11 (Qt's fortune examples use Qt_5_10, which is this number).</summary>
    Qt_5_6 = 17,
    /// <summary>Qt 5.12.</summary>
    Qt_5_12 = 18,
    /// <summary>Qt 5.13 to 5.15.</summary>
    Qt_5_13 = 19,
    /// <summary>Qt 5.15 (same number as <see cref="Qt_5_13"/>).</summary>
    Qt_5_15 = Qt_5_13,
}
#pragma warning restore CA1707
