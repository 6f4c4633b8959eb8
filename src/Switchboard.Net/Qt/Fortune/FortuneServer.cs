using System.Net;
using System.Net.Sockets;

namespace Switchboard.Net.Qt.Fortune;

/// <summary>
/// The fortune server's connection logic: each connection gets one random fortune in the chosen framing and is
/// closed, as Qt's fortune servers do. Never the same fortune twice in a row to one client address (local-socket
/// clients, which have no address, count as one client). Pass <see cref="HandleConnectionAsync"/> to
/// <see cref="SwitchboardListener.StartAsync"/>.
/// </summary>
public sealed class FortuneServer
{
    private readonly FortuneCodec _codec;
    private readonly FortunePicker _picker;

    /// <summary>Creates the server logic.</summary>
    /// <param name="fortunes">The fortunes; duplicates are dropped. At least one.</param>
    /// <param name="framing">The framing to answer in.</param>
    /// <param name="maxMessageSize">The largest message; every fortune must fit.</param>
    /// <param name="random">The random source; <see cref="Random.Shared"/> when null.</param>
    /// <exception cref="ArgumentException">No fortunes, or one too large for the framing.</exception>
    public FortuneServer(IEnumerable<string> fortunes, FortuneFraming framing, int maxMessageSize = FortuneCodecs.DefaultMaxMessageSize, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(fortunes);
        Fortunes = fortunes.Distinct(StringComparer.Ordinal).ToArray();
        if (Fortunes.Count == 0)
        {
            throw new ArgumentException("A fortune server needs at least one fortune.", nameof(fortunes));
        }

        _codec = FortuneCodecs.Create(framing, maxMessageSize);
        foreach (string fortune in Fortunes)
        {
            if (_codec.GetMessageSize(fortune) > _codec.MaxMessageSize)
            {
                string start = fortune.Length > 40 ? fortune[..40] + "…" : fortune;
                throw new ArgumentException($"The fortune \"{start}\" ({fortune.Length} UTF-16 units) is too long for the {framing.ToString().ToLowerInvariant()} framing's {_codec.MaxMessageSize}-byte limit.", nameof(fortunes));
            }
        }

        _picker = new FortunePicker(Fortunes, random ?? Random.Shared);
    }

    /// <summary>The framing the server answers in.</summary>
    public FortuneFraming Framing => _codec.Framing;

    /// <summary>The distinct fortunes served.</summary>
    public IReadOnlyList<string> Fortunes { get; }

    /// <summary>The next fortune for a client (a key such as its address), never its previous one.</summary>
    public string NextFortune(string clientKey) => _picker.Next(clientKey);

    /// <summary>Sends one fortune to <paramref name="connection"/>, then closes it gracefully (flush, then FIN).</summary>
    public async Task HandleConnectionAsync(SwitchboardConnection connection, CancellationToken shutdown)
    {
        ArgumentNullException.ThrowIfNull(connection);
        string fortune = NextFortune(ClientKey(connection.RemoteEndPoint));
        await connection.SendAsync(_codec, fortune, shutdown);
        await connection.CloseAsync("fortune sent", shutdown);
    }

    internal static string ClientKey(EndPoint? remote) => remote switch
    {
        IPEndPoint ip => (ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address).ToString(),
        UnixDomainSocketEndPoint => "local",
        _ => remote?.ToString() ?? "unknown",
    };
}
