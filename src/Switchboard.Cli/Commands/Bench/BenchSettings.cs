namespace Switchboard.Cli.Commands.Bench;

/// <summary>One bench run, validated: every run is bounded in time and in count.</summary>
internal sealed record BenchSettings
{
    public const int MaxClients = 20_000;
    public const int MaxConnections = 100_000;
    public const int MaxSize = 16 * 1024 * 1024;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(10);

    public required BenchScenario Scenario { get; init; }

    public required BenchTarget Target { get; init; }

    /// <summary>Every target when several were given (nodes of one chat cluster); client i connects to Targets[i % n].</summary>
    public IReadOnlyList<BenchTarget> Targets { get; init; } = [];

    /// <summary>Clients (connections for <see cref="BenchScenario.Connections"/>).</summary>
    public int Clients { get; init; } = 1;

    /// <summary>Messages in flight per client (echo) or per sender (fanout).</summary>
    public int InFlight { get; init; } = 1;

    /// <summary>Message size in bytes.</summary>
    public int Size { get; init; } = 32;

    /// <summary>How long to measure, after the warm-up; null when a count bounds the run.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Messages per client (round trips for pingpong, messages per sender for fanout); null when a duration bounds the run.</summary>
    public long? Count { get; init; }

    /// <summary>Run before measuring so JIT tiering and TCP windows settle; duration runs only.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest a run may take in all, whatever else is asked: a count run that stalls ends here.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    public bool Tls { get; init; }

    public bool Json { get; init; }

    /// <summary>Fanout: how many of the clients send.</summary>
    public int Senders { get; init; } = 1;

    /// <summary>
    /// The server's process id. Connections: whose memory is measured (looked up from the listening socket when
    /// null). Other scenarios: whose CPU time over the measured window is reported (not measured when null).
    /// </summary>
    public int? ServerPid { get; init; }

    /// <summary>Fanout: lines per second sent by all senders together, evenly paced; null sends as fast as flow control allows.</summary>
    public int? Rate { get; init; }

    /// <summary>Connections: how many connects run at once.</summary>
    public int ConnectConcurrency { get; init; } = 64;
}
