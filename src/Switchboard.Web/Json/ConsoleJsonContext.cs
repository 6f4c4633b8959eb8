using System.Text.Json.Serialization;

namespace Switchboard.Web.Json;

/// <summary>Source-generated JSON for every frame: no reflection at run time, and trimming-safe.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(ConsoleCommand))]
[JsonSerializable(typeof(ResultFrame))]
[JsonSerializable(typeof(SnapshotFrame))]
[JsonSerializable(typeof(EventsFrame))]
[JsonSerializable(typeof(AddressesFrame))]
[JsonSerializable(typeof(ClientStateFrame))]
[JsonSerializable(typeof(ClientDataFrame))]
[JsonSerializable(typeof(ClientCountersFrame))]
[JsonSerializable(typeof(ChatWelcomeFrame))]
[JsonSerializable(typeof(ChatHistoryFrame))]
[JsonSerializable(typeof(ChatEventsFrame))]
[JsonSerializable(typeof(ChatRoomsFrame))]
[JsonSerializable(typeof(ChatEndedFrame))]
internal sealed partial class ConsoleJsonContext : JsonSerializerContext;
