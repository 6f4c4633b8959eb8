namespace Switchboard.Net;

/// <summary>
/// The library's meter (System.Diagnostics.Metrics). Every instrument is named <c>switchboard.net.*</c> and
/// covers the connections accepted by <see cref="SwitchboardListener"/>s, tagged with the listener's
/// <c>transport</c> (tcp, tls, unix) and <c>endpoint</c> (the bound address, or unix:path):
/// <list type="bullet">
/// <item><c>switchboard.net.connections</c> (gauge): connections open now.</item>
/// <item><c>switchboard.net.connections.accepted</c> (counter): connections handed to the handler.</item>
/// <item><c>switchboard.net.connections.refused</c> (counter, <c>reason</c>: limit, shutdown, handshake_limit,
/// handshake_failed): connections closed without being served.</item>
/// <item><c>switchboard.net.io</c> (counter, bytes, <c>direction</c>: received, sent).</item>
/// <item><c>switchboard.net.messages</c> (counter, <c>direction</c>): messages read through framed readers, and
/// send calls accepted.</item>
/// <item><c>switchboard.net.slow_consumer.drops</c> (counter, <c>reason</c>: send_buffer_full, close_timeout):
/// connections cut off because the peer was not reading.</item>
/// </list>
/// Read them live with <c>dotnet-counters monitor --counters Switchboard.Net</c>, or export them with
/// OpenTelemetry (<c>AddMeter(NetMeter.Name)</c>).
/// </summary>
public static class NetMeter
{
    /// <summary>The meter's name: <c>Switchboard.Net</c>.</summary>
    public const string Name = "Switchboard.Net";
}
