using System.CommandLine;
using System.CommandLine.Parsing;
using Switchboard.Cli.Infrastructure;

namespace Switchboard.Cli.Commands.Chat;

/// <summary>
/// chat's --heartbeat INTERVAL[,TIMEOUT] or off: the library heartbeat's interval and timeout (ReconnectOptions),
/// in the CLI's one duration syntax.
/// </summary>
internal static class HeartbeatFlag
{
    public static Option<HeartbeatSetting?> Create() => new("--heartbeat")
    {
        Description = $"Send /ping after INTERVAL with nothing sent or nothing received (default {Durations.Format(ChatClientSettings.DefaultHeartbeatInterval)}), and reconnect when the server then sends nothing for TIMEOUT (default {Durations.Format(ChatClientSettings.DefaultHeartbeatTimeout)}); 'off' sends none",
        HelpName = "INTERVAL[,TIMEOUT]|off",
        CustomParser = Parse,
    };

    private static HeartbeatSetting? Parse(ArgumentResult result)
    {
        var fallback = new HeartbeatSetting(ChatClientSettings.DefaultHeartbeatInterval, ChatClientSettings.DefaultHeartbeatTimeout);
        if (result.Tokens.Count == 0)
        {
            return fallback;
        }

        var text = result.Tokens[0].Value.Trim();
        if (text.Equals("off", StringComparison.OrdinalIgnoreCase) || text == "0")
        {
            return new HeartbeatSetting(null, fallback.Timeout);
        }

        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length > 2)
        {
            result.AddError($"--heartbeat takes INTERVAL[,TIMEOUT] or off, not '{text}'");
            return fallback;
        }

        if (Duration(result, parts[0], "INTERVAL") is not { } interval)
        {
            return fallback;
        }

        var timeout = fallback.Timeout;
        if (parts.Length > 1)
        {
            if (Duration(result, parts[1], "TIMEOUT") is not { } given)
            {
                return fallback;
            }

            timeout = given;
        }

        return new HeartbeatSetting(interval, timeout);
    }

    private static TimeSpan? Duration(ArgumentResult result, string text, string part)
    {
        if (!Durations.TryParse(text, out var value))
        {
            result.AddError($"--heartbeat {part}: '{text}' is not a duration ({Durations.Examples})");
            return null;
        }

        // Below this the pings would be most of what the connection carries.
        if (value < TimeSpan.FromMilliseconds(100))
        {
            result.AddError($"--heartbeat {part} must be at least 100ms, not '{text}'");
            return null;
        }

        return value;
    }
}

/// <summary>--heartbeat: the interval (null: no heartbeat) and the timeout.</summary>
internal sealed record HeartbeatSetting(TimeSpan? Interval, TimeSpan Timeout);
