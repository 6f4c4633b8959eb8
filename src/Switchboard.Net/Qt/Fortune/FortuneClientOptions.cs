namespace Switchboard.Net.Qt.Fortune;

/// <summary>How a <see cref="FortuneClient"/> asks for fortunes.</summary>
public sealed class FortuneClientOptions
{
    /// <summary>
    /// The framing to expect; null (the default) detects it from the first bytes of each answer, so Qt 5, Qt 4 style
    /// (quint16 block size) and Qt's local fortune servers are all read without being named. A wrong framing
    /// shows up as malformed data or a timeout.
    /// </summary>
    public FortuneFraming? Framing { get; set; }

    /// <summary>
    /// How long one request (connect and read the whole fortune) may take: 5 s, as Qt's blocking fortune client.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The largest message accepted: <see cref="FortuneCodecs.DefaultMaxMessageSize"/>.</summary>
    public int MaxMessageSize { get; set; } = FortuneCodecs.DefaultMaxMessageSize;

    /// <summary>
    /// How many times <see cref="FortuneClient.GetNewFortuneAsync(CancellationToken)"/> asks in all while the answer repeats the previous
    /// fortune: 5. Qt's client asks again without limit; a server with a single fortune would make that loop forever.
    /// </summary>
    public int MaxAttempts { get; set; } = 5;
}
