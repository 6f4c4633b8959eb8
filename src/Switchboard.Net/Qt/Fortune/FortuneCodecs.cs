namespace Switchboard.Net.Qt.Fortune;

/// <summary>Creates fortune codecs and holds the defaults shared by the framings.</summary>
public static class FortuneCodecs
{
    /// <summary>
    /// The default largest fortune message: 64 KiB, about 32 000 UTF-16 units. Fortunes are short; the bound keeps a
    /// peer that speaks another protocol from making a reader buffer without limit.
    /// </summary>
    public const int DefaultMaxMessageSize = 64 * 1024;

    /// <summary>The framing used over TCP when none is given, as Qt 5's fortune examples.</summary>
    public const FortuneFraming DefaultTcpFraming = FortuneFraming.Qt5;

    /// <summary>The framing used over local sockets when none is given, as Qt's local fortune example.</summary>
    public const FortuneFraming DefaultLocalFraming = FortuneFraming.Local;

    /// <summary>Qt's fortune examples set Qt_5_10, which is the same format number as Qt_5_6.</summary>
    internal const QDataStreamVersion StreamVersion = QDataStreamVersion.Qt_5_6;

    /// <summary>Creates the codec for <paramref name="framing"/>.</summary>
    /// <param name="framing">The framing.</param>
    /// <param name="maxMessageSize">The largest message, in bytes.</param>
    public static FortuneCodec Create(FortuneFraming framing, int maxMessageSize = DefaultMaxMessageSize) => framing switch
    {
        FortuneFraming.Qt5 => new Qt5FortuneCodec(maxMessageSize),
        FortuneFraming.Qt4 => new Qt4FortuneCodec(maxMessageSize),
        FortuneFraming.Local => new LocalFortuneCodec(maxMessageSize),
        _ => throw new ArgumentOutOfRangeException(nameof(framing), framing, "Unknown fortune framing."),
    };
}
