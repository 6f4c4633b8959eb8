using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Switchboard.Net;

namespace Switchboard.Cli.Infrastructure;

/// <summary>
/// --keepalive IDLE[,INTERVAL[,COUNT]] (QAbstractSocket's KeepAliveOption with Linux's TCP_KEEPIDLE, TCP_KEEPINTVL
/// and TCP_KEEPCNT), one parser for listen and connect.
/// </summary>
internal static class KeepAliveFlag
{
    // Linux's TCP_KEEPCNT ceiling.
    private const int MaxKeepAliveCount = 127;

    public static Option<KeepAliveSetting?> Create() => new("--keepalive")
    {
        Description = "Send TCP keep-alive probes after IDLE of silence, then every INTERVAL (default: IDLE), closing after COUNT unanswered ones (default 3); durations of at least 1s (30s, 2m).",
        HelpName = "IDLE[,INTERVAL[,COUNT]]",
        CustomParser = Parse,
    };

    private static KeepAliveSetting? Parse(ArgumentResult result)
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

        // TCP counts keep-alive time in whole seconds.
        if (value < TimeSpan.FromSeconds(1) || value.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            result.AddError($"--keepalive must be at least 1s, in whole seconds: {part} '{text}'");
            return null;
        }

        return value;
    }
}

/// <summary>--keepalive IDLE[,INTERVAL[,COUNT]]; null parts keep the library's defaults (INTERVAL = IDLE, COUNT 3).</summary>
internal sealed record KeepAliveSetting(TimeSpan Idle, TimeSpan? Interval, int? Count)
{
    public void ApplyTo(ConnectionOptions options)
    {
        options.KeepAlive = Idle;
        options.KeepAliveInterval = Interval;
        options.KeepAliveCount = Count;
    }
}
