namespace Switchboard.Cli.Commands.Bench;

/// <summary>The bench options as typed, before validation; <see cref="TryValidate"/> turns them into settings.</summary>
internal sealed record BenchArguments
{
    public string Scenario { get; init; } = "";
    public string? Target { get; init; }
    public string? Unix { get; init; }
    public int? Clients { get; init; }
    public int? InFlight { get; init; }
    public int Size { get; init; } = 32;
    public string? Duration { get; init; }
    public long? Count { get; init; }
    public string Warmup { get; init; } = "1s";
    public string? Timeout { get; init; }
    public bool Tls { get; init; }
    public bool Json { get; init; }
    public int? Senders { get; init; }
    public int? ServerPid { get; init; }
    public int? Rate { get; init; }

    public bool TryValidate(out BenchSettings? settings, out string error)
    {
        settings = null;
        error = Validate(out var built) ?? string.Empty;
        settings = built;
        return settings is not null;
    }

    private string? Validate(out BenchSettings? settings)
    {
        settings = null;
        if (!Enum.TryParse<BenchScenario>(Scenario, ignoreCase: true, out var scenario) || !Enum.IsDefined(scenario) || int.TryParse(Scenario, out _))
        {
            return $"unknown scenario '{Scenario}': use pingpong, echo, fanout or connections";
        }

        BenchTarget target;
        var targets = new List<BenchTarget>();
        if (Unix is not null && Target is not null)
        {
            return "give either --target HOST:PORT or --unix PATH, not both";
        }

        if (Unix is not null)
        {
            target = BenchTarget.Unix(Unix);
        }
        else if (Target is null)
        {
            return "--target HOST:PORT (loopback) or --unix PATH is required";
        }
        else
        {
            // Several targets (nodes of one cluster): clients are spread over them in turn.
            foreach (var one in Target.Split(','))
            {
                if (!BenchTarget.TryParseTcp(one.Trim(), out var tcp, out var targetError))
                {
                    return targetError;
                }

                targets.Add(tcp!);
            }

            target = targets.Count == 1 ? targets[0] : targets[0] with { Display = string.Join(',', targets.Select(t => t.Display)) };
        }

        var (defaultClients, defaultInFlight) = scenario switch
        {
            BenchScenario.Echo => (1, 1000),
            BenchScenario.Fanout => (100, 2),
            BenchScenario.Connections => (1000, 1),
            _ => (1, 1),
        };
        if (Rate is not null && scenario != BenchScenario.Fanout)
        {
            return "--rate paces fanout's senders; other scenarios run as fast as they can";
        }

        if (Rate is < 1 or > 10_000_000)
        {
            return "--rate must be 1 to 10,000,000 lines per second";
        }

        // Paced, the rate sets the load: in-flight only guards against a server that falls far behind.
        var clients = Clients ?? defaultClients;
        var inFlight = InFlight ?? (Rate is null ? defaultInFlight : 1000);
        var maxClients = scenario == BenchScenario.Connections ? BenchSettings.MaxConnections : BenchSettings.MaxClients;
        if (clients < 1 || clients > maxClients)
        {
            return $"--clients must be 1 to {maxClients:N0}";
        }

        if (inFlight < 1 || inFlight > 100_000)
        {
            return "--in-flight must be 1 to 100,000";
        }

        if (scenario == BenchScenario.PingPong && InFlight is > 1)
        {
            return "pingpong keeps one message in flight per client; use echo for more";
        }

        if (Size < 1 || Size > BenchSettings.MaxSize)
        {
            return $"--size must be 1 to {BenchSettings.MaxSize:N0} bytes";
        }

        if (scenario == BenchScenario.Fanout && Size < 48)
        {
            return "fanout lines carry a timestamp: --size must be at least 48";
        }

        if (Count is < 1 or > 1_000_000_000)
        {
            return "--count must be 1 to 1,000,000,000";
        }

        TimeSpan? duration = null;
        if (Duration is not null)
        {
            if (!TryParseDuration(Duration, out var d) || d <= TimeSpan.Zero || d > BenchSettings.MaxDuration)
            {
                return $"--duration must be a time such as 10s, 500ms or 2m, at most {BenchSettings.MaxDuration.TotalMinutes:0} minutes";
            }

            duration = d;
        }
        else if (Count is null && scenario != BenchScenario.Connections)
        {
            duration = TimeSpan.FromSeconds(10);
        }

        if (!TryParseDuration(Warmup, out var warmup) || warmup < TimeSpan.Zero || warmup > TimeSpan.FromMinutes(1))
        {
            return "--warmup must be a time from 0s to 1m";
        }

        var timeout = (duration ?? TimeSpan.Zero) + warmup + TimeSpan.FromSeconds(60);
        if (Timeout is not null && (!TryParseDuration(Timeout, out timeout) || timeout <= TimeSpan.Zero || timeout > BenchSettings.MaxDuration + TimeSpan.FromMinutes(2)))
        {
            return "--timeout must be a positive time of at most 12 minutes";
        }

        if (ServerPid is { } pid && (pid < 1 || !ServerProcess.Exists(pid)))
        {
            return $"--server-pid {pid}: no such process";
        }

        var senders = Senders ?? Math.Max(1, Math.Min(10, clients - 1));
        settings = new BenchSettings
        {
            Scenario = scenario,
            Target = target,
            Targets = targets.Count > 1 ? targets : [target],
            Clients = clients,
            InFlight = inFlight,
            Size = Size,
            Duration = duration,
            Count = Count,
            Warmup = warmup,
            Timeout = timeout,
            Tls = Tls,
            Json = Json,
            Senders = senders,
            ServerPid = ServerPid,
            Rate = Rate,
        };
        return null;
    }

    /// <summary>The CLI's one duration syntax (<see cref="Infrastructure.Durations"/>), with bench's own ceiling of a day.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration) =>
        Infrastructure.Durations.TryParse(text, out duration) && duration <= TimeSpan.FromDays(1);
}
