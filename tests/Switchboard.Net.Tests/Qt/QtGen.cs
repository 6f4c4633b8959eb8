using FsCheck;
using FsCheck.Fluent;

namespace Switchboard.Net.Tests.Qt;

/// <summary>Generators for QDataStream values, weighted toward the cases that break encoders.</summary>
internal static class QtGen
{
    private static readonly string[] Pieces =
    [
        "a", " ", "é", "ß", "€", "✓", "😀", "🎉", "𝄞", "\0", "\uFFFF", "\uD800", "\uDFFF", "日本", "\r\n",
    ];

    /// <summary>Strings: FsCheck's own (null, empty, any char), and text built from BMP, non-BMP and odd pieces.</summary>
    public static Arbitrary<string?> Strings()
    {
        Gen<string?> pieces = Gen.Elements(Pieces).ArrayOf().Select(p => (string?)string.Concat(p));
        Gen<string?> any = ArbMap.Default.GeneratorFor<string>().Select(s => (string?)s);
        return Gen.OneOf(pieces, any, Gen.Constant<string?>(null), Gen.Constant<string?>(string.Empty)).ToArbitrary();
    }

    /// <summary>Byte arrays, including null and empty.</summary>
    public static Arbitrary<byte[]?> ByteArrays()
    {
        Gen<byte[]?> any = ArbMap.Default.GeneratorFor<byte[]>().Select(a => (byte[]?)a);
        return Gen.OneOf(any, Gen.Constant<byte[]?>(null), Gen.Constant<byte[]?>([])).ToArbitrary();
    }

    /// <summary>A value of <paramref name="type"/>, boxed.</summary>
    public static Arbitrary<object?> For(string type) => type switch
    {
        "quint8" => Boxed<byte>(),
        "qint8" => Boxed<sbyte>(),
        "quint16" => Boxed<ushort>(),
        "qint16" => Boxed<short>(),
        "quint32" => Boxed<uint>(),
        "qint32" => Boxed<int>(),
        "quint64" => Boxed<ulong>(),
        "qint64" => Boxed<long>(),
        "bool" => Boxed<bool>(),
        "double" => Boxed<double>(),
        "QString" => Strings().Generator.Select(s => (object?)s).ToArbitrary(),
        "QByteArray" => ByteArrays().Generator.Select(a => (object?)a).ToArbitrary(),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    private static Arbitrary<object?> Boxed<T>() => ArbMap.Default.GeneratorFor<T>().Select(v => (object?)v).ToArbitrary();
}
