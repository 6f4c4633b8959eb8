namespace Switchboard.Cli.Commands.Bench;

/// <summary>The workloads of <c>switchboard bench</c>.</summary>
internal enum BenchScenario
{
    /// <summary>One message in flight per client: round-trip latency.</summary>
    PingPong,

    /// <summary>Many messages in flight per client against an echo server: throughput.</summary>
    Echo,

    /// <summary>Clients in one chat room, some sending: deliveries per second and end-to-end latency.</summary>
    Fanout,

    /// <summary>Many idle connections: connect rate and server memory per connection.</summary>
    Connections,
}
