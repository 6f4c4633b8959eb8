using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Switchboard.Cli.Infrastructure;
using Switchboard.Net;

namespace Switchboard.Cli.Commands.Connect;

/// <summary>
/// connect's socket options (QAbstractSocket::setSocketOption): --nodelay/--no-nodelay, --keepalive
/// IDLE[,INTERVAL[,COUNT]], --sndbuf, --rcvbuf, --linger. Each is checked as it is parsed and lands in
/// <see cref="ConnectionOptions"/>; the library applies them.
/// </summary>
internal sealed class SocketFlags
{
    // Linux's TCP_KEEPCNT ceiling.
    private const int MaxKeepAliveCount = 127;

    public Option<bool> NoDelay { get; } = new("--nodelay") { Description = "TCP_NODELAY on: small writes leave at once (the default)." };

    public Option<bool> NoNoDelay { get; } = new("--no-nodelay") { Description = "TCP_NODELAY off: let Nagle's algorithm gather small writes." };

    public Option<KeepAliveSetting?> KeepAlive { get; } = new("--keepalive")
    {
        Description = "Send TCP keep-alive probes after IDLE of silence, then every INTERVAL (default: IDLE), closing after COUNT unanswered ones (default 3); durations of at least 1s, as for listen (30s, 2m).",
        HelpName = "IDLE[,INTERVAL[,COUNT]]",
        CustomParser = ParseKeepAlive,
    };

    public Option<int?> SendBuffer { get; } = SizeOption("--sndbuf", "SO_SNDBUF, the kernel's send buffer (64KiB, 1MiB, bytes); Linux doubles it and caps it at net.core.wmem_max.");

    public Option<int?> ReceiveBuffer { get; } = SizeOption("--rcvbuf", "SO_RCVBUF, the kernel's receive buffer (64KiB, 1MiB, bytes); Linux doubles it and caps it at net.core.rmem_max.");

    public Option<int?> Linger { get; } = CliValues.OptionalNumberOption("--linger", "SO_LINGER: closing waits up to this many seconds for unsent bytes; 0 drops them and resets the connection.", 0, 3600);

    public IEnumerable<Option> All => [NoDelay, NoNoDelay, KeepAlive, SendBuffer, ReceiveBuffer, Linger];

    /// <summary>Checks combinations: one line per problem, before anything connects.</summary>
    public void Validate(CommandResult result, bool unix, bool udp)
    {
        if (result.GetValue(NoDelay) && result.GetValue(NoNoDelay))
        {
            result.AddError("give --nodelay or --no-nodelay, not both");
        }

        if ((unix || udp) && Given(result))
        {
            result.AddError("--nodelay, --no-nodelay, --keepalive, --sndbuf, --rcvbuf and --linger are for TCP and TLS connections, not --unix or --udp");
        }
    }

    /// <summary>Sets the options given on <paramref name="options"/>; those not given keep the library's defaults.</summary>
    public void ApplyTo(ParseResult result, ConnectionOptions options)
    {
        if (result.GetValue(NoNoDelay))
        {
            options.NoDelay = false;
        }

        if (result.GetValue(KeepAlive) is { } keepAlive)
        {
            options.KeepAlive = keepAlive.Idle;
            options.KeepAliveInterval = keepAlive.Interval;
            options.KeepAliveCount = keepAlive.Count;
        }

        options.SendBufferSize = result.GetValue(SendBuffer) ?? options.SendBufferSize;
        options.ReceiveBufferSize = result.GetValue(ReceiveBuffer) ?? options.ReceiveBufferSize;
        if (result.GetValue(Linger) is { } linger)
        {
            options.Linger = TimeSpan.FromSeconds(linger);
        }
    }

    /// <summary>The options in force, as getsockopt reads them, for -v.</summary>
    public static string Describe(SocketOptionValues values) => string.Join(' ',
        $"nodelay={(values.NoDelay ? "on" : "off")}",
        values.KeepAlive ? $"keepalive={Durations.Format(values.KeepAliveIdle ?? TimeSpan.Zero)},{Durations.Format(values.KeepAliveInterval ?? TimeSpan.Zero)},{values.KeepAliveCount}" : "keepalive=off",
        $"sndbuf={values.SendBufferSize.ToString(CultureInfo.InvariantCulture)}",
        $"rcvbuf={values.ReceiveBufferSize.ToString(CultureInfo.InvariantCulture)}",
        values.Linger is { } linger ? $"linger={Durations.Format(linger)}" : "linger=off");

    private bool Given(CommandResult result) => result.GetValue(NoDelay) || result.GetValue(NoNoDelay) || result.GetValue(KeepAlive) is not null
        || result.GetValue(SendBuffer) is not null || result.GetValue(ReceiveBuffer) is not null || result.GetValue(Linger) is not null;

    private static Option<int?> SizeOption(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "SIZE",
        // Below 1 KiB Linux rounds up anyway; 64 MiB is far above any default maximum.
        CustomParser = r => r.Tokens.Count == 0 ? null : ByteSizes.Parse(r, 1024, 64 << 20, 0),
    };

    private static KeepAliveSetting? ParseKeepAlive(ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = result.Tokens[0].Value;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length > 3)
        {
            result.AddError($"--keepalive takes IDLE[,INTERVAL[,COUNT]], not '{text}'");
            return null;
        }

        if (Duration(result, parts[0], "IDLE") is not { } idle)
        {
            return null;
        }

        TimeSpan? interval = null;
        if (parts.Length > 1 && (interval = Duration(result, parts[1], "INTERVAL")) is null)
        {
            return null;
        }

        int? count = null;
        if (parts.Length > 2)
        {
            if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > MaxKeepAliveCount)
            {
                result.AddError($"--keepalive COUNT must be a whole number from 1 to {MaxKeepAliveCount}, not '{parts[2]}'");
                return null;
            }

            count = n;
        }

        return new KeepAliveSetting(idle, interval, count);
    }

    private static TimeSpan? Duration(ArgumentResult result, string text, string part)
    {
        if (!Durations.TryParse(text, out var value))
        {
            result.AddError($"--keepalive {part}: '{text}' is not a duration ({Durations.Examples})");
            return null;
        }

        // The same floor as listen's --keepalive: TCP counts keep-alive time in whole seconds.
        if (value < TimeSpan.FromSeconds(1) || value.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            result.AddError($"--keepalive {part} must be whole seconds, at least 1s, not '{text}'");
            return null;
        }

        return value;
    }
}

/// <summary>--keepalive IDLE[,INTERVAL[,COUNT]]; null parts keep the library's defaults (INTERVAL = IDLE, COUNT 3).</summary>
internal sealed record KeepAliveSetting(TimeSpan Idle, TimeSpan? Interval, int? Count);
