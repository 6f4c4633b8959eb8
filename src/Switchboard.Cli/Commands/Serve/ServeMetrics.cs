using System.Diagnostics.Metrics;
using Switchboard.Chat;

namespace Switchboard.Cli.Commands.Serve;

/// <summary>
/// serve's meters (System.Diagnostics.Metrics, meter <c>switchboard.chat</c>), read from the chat server's public
/// API when a collector asks: live with <c>dotnet-counters monitor -n switchboard --counters switchboard.chat</c>,
/// and as Prometheus text at <c>/metrics</c> on the web host (<c>switchboard_chat_connections</c>, ...).
/// </summary>
internal sealed class ServeMetrics : IDisposable
{
    public const string MeterName = "switchboard.chat";

    private readonly Meter _meter = new(MeterName);

    public ServeMetrics(ChatServer server)
    {
        _meter.CreateObservableGauge("switchboard.chat.connections", () => server.Listeners.Sum(l => l.Connections), "{connection}", "Connections open now, over every listener");
        _meter.CreateObservableGauge("switchboard.chat.listeners", () => server.Listeners.Count(l => l.State == Net.ListenerState.Listening), "{listener}", "Listeners accepting connections");
        _meter.CreateObservableGauge("switchboard.chat.members", () => server.GetRooms().Sum(r => r.Members), "{member}", "Room memberships now, summed over rooms");
        _meter.CreateObservableGauge("switchboard.chat.rooms", () => server.GetRooms().Count, "{room}", "Rooms that exist now");
        _meter.CreateObservableCounter("switchboard.chat.store.commits", () => server.StoreStats.Commits, "{commit}", "Group commits written to the store");
        _meter.CreateObservableCounter("switchboard.chat.store.operations", () => server.StoreStats.Operations, "{operation}", "Store operations committed");
        _meter.CreateObservableGauge("switchboard.chat.store.last_message_id", () => server.StoreStats.LastId, "{message}", "Id of the newest committed message");
    }

    public void Dispose() => _meter.Dispose();
}
