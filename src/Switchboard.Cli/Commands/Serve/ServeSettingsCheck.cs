using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Switchboard.Chat;
using Switchboard.Cli.Commands.Listen;
using Switchboard.Cli.Infrastructure;

namespace Switchboard.Cli.Commands.Serve;

/// <summary>
/// Checks serve's settings, merged from appsettings.json, SWITCHBOARD_* variables and the command line, before the
/// host is built: nothing is bound, opened or created while a value is wrong. Durations are rewritten in place to
/// the form the configuration binder reads, so "30s" means the same in a file, a variable and a flag (and a bare
/// "10" means ten seconds, not the binder's ten days).
/// </summary>
internal static class ServeSettingsCheck
{
    private const string Section = "Chat";

    public static IReadOnlyList<string> Check(IConfiguration configuration, Action<ChatServerOptions> overrides)
        => Check(configuration, overrides, out _);

    /// <summary>Checks the settings; <paramref name="options"/> is what they bind to (meaningful only without problems).</summary>
    public static IReadOnlyList<string> Check(IConfiguration configuration, Action<ChatServerOptions> overrides, out ChatServerOptions options)
    {
        options = new ChatServerOptions();
        var problems = new List<string>();
        if (!ConsoleLogging.IsKnown(configuration[ConsoleLogging.FormatterKey]))
        {
            problems.Add($"{ConsoleLogging.FormatterKey} must be one of {string.Join(", ", ConsoleLogging.Formatters)}, not '{configuration[ConsoleLogging.FormatterKey]}'");
        }

        NormalizeValues(configuration, problems);
        if (problems.Count > 0)
        {
            return problems;
        }

        configuration.GetSection(Section).Bind(options);
        options.OperatorSecret ??= configuration["OPER_SECRET"];
        overrides(options);
        CheckValues(options, problems);
        return problems;
    }

    /// <summary>Every Chat:* value must read as its setting's type; durations are put in the binder's form.</summary>
    private static void NormalizeValues(IConfiguration configuration, List<string> problems)
    {
        var properties = typeof(ChatServerOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var entry in configuration.GetSection(Section).GetChildren())
        {
            if (entry.Value is not { } text || !properties.TryGetValue(entry.Key, out var property))
            {
                continue;
            }

            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var name = Name(property.Name);
            if (string.IsNullOrWhiteSpace(text) && (type != typeof(string)))
            {
                continue;
            }

            if (type == typeof(TimeSpan))
            {
                if (Durations.TryParse(text, out _))
                {
                    RewriteDuration(configuration, $"{Section}:{entry.Key}");
                }
                else
                {
                    problems.Add($"{name} must be a duration ({Durations.Examples}), not '{text}'");
                }
            }
            else if (type == typeof(int) && !int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            {
                problems.Add($"{name} must be a whole number, not '{text}'");
            }
            else if (type == typeof(double) && !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                problems.Add($"{name} must be a number, not '{text}'");
            }
            else if (type == typeof(bool) && !bool.TryParse(text, out _))
            {
                problems.Add($"{name} must be true or false, not '{text}'");
            }
            else if (type.IsEnum && (!Enum.TryParse(type, text, ignoreCase: true, out var parsed) || !Enum.IsDefined(type, parsed!) || int.TryParse(text, out _)))
            {
                problems.Add($"{name} must be one of {string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))}, not '{text}'");
            }
        }
    }

    /// <summary>
    /// Puts a duration in the binder's form in each source that has it, not in all of them through the indexer: a
    /// value written into a source that never had it would outlive that source's next reload (SIGHUP) and mask it.
    /// </summary>
    private static void RewriteDuration(IConfiguration configuration, string key)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return;
        }

        foreach (var provider in root.Providers)
        {
            if (provider.TryGet(key, out var raw) && Durations.TryParse(raw, out var duration))
            {
                provider.Set(key, duration.ToString("c", CultureInfo.InvariantCulture));
            }
        }
    }

    private static void CheckValues(ChatServerOptions o, List<string> problems)
    {
        void Require(bool ok, string message)
        {
            if (!ok)
            {
                problems.Add(message);
            }
        }

        Require(o.Port is >= 0 and <= 65535, $"{Name(nameof(o.Port), "--port")} must be from 0 to 65535, not {o.Port}");
        Require(o.TlsPort is null or (>= 0 and <= 65535), $"{Name(nameof(o.TlsPort), "--tls-port")} must be from 0 to 65535, not {o.TlsPort}");
        if (!ListenCommand.TryParseAddress(o.Host, out _))
        {
            problems.Add(ListenCommand.HostError(o.Host, Name(nameof(o.Host), "--host")));
        }

        Require(o.EnableTcp || o.TlsPort is not null || o.UnixSocketPath is not null, "nothing to listen on: --no-tcp needs --tls-port or --unix");
        if (o.TlsPort is not null)
        {
            Require(o.CertificateFile is not null && o.KeyFile is not null, "--tls-port needs --cert and --key (or Chat:CertificateFile and Chat:KeyFile)");
            foreach (var file in new[] { o.CertificateFile, o.KeyFile })
            {
                Require(file is null || File.Exists(file), $"no file at {file}");
            }
        }

        if (!string.IsNullOrEmpty(o.ClientCaFile))
        {
            var flag = Name(nameof(o.ClientCaFile), "--client-ca");
            Require(o.TlsPort is not null, $"{flag} needs --tls-port (client certificates are asked for in TLS)");
            if (TlsFlags.CheckCaFile(flag, o.ClientCaFile) is { } caError)
            {
                problems.Add(caError);
            }
        }

        if (!string.IsNullOrWhiteSpace(o.TlsMinVersion))
        {
            var flag = Name(nameof(o.TlsMinVersion), "--tls-min");
            Require(Net.TlsVersions.TryParse(o.TlsMinVersion, out _), $"{flag} must be 1.2 or 1.3, not '{o.TlsMinVersion}'");
            Require(o.TlsPort is not null, $"{flag} needs --tls-port");
        }

        Require(!string.IsNullOrWhiteSpace(o.DataDirectory), $"{Name(nameof(o.DataDirectory), "--data")} must name a directory");
        Require(!File.Exists(o.DataDirectory), $"--data {o.DataDirectory} is a file, not a directory (Chat:DataDirectory)");
        if (!string.IsNullOrEmpty(o.OperatorSecretFile))
        {
            Require(File.Exists(o.OperatorSecretFile), $"{Name(nameof(o.OperatorSecretFile), "--oper-secret-file")}: no file at {o.OperatorSecretFile}");
        }

        AtLeast(o.MaxRooms, 1, nameof(o.MaxRooms));
        AtLeast(o.MaxRoomsPerAddressPerMinute, 1, nameof(o.MaxRoomsPerAddressPerMinute));
        AtLeast(o.MaxLineLength, 1, nameof(o.MaxLineLength));
        AtLeast(o.RateLimitBurst, 1, nameof(o.RateLimitBurst));
        AtLeast(o.FloodDisconnectAfter, 1, nameof(o.FloodDisconnectAfter));
        AtLeast(o.MaxInvalidLines, 1, nameof(o.MaxInvalidLines));
        AtLeast(o.MaxConnections, 1, nameof(o.MaxConnections));
        AtLeast(o.MaxConnectionsPerAddress, 1, nameof(o.MaxConnectionsPerAddress));
        AtLeast(o.MaxOutboundBufferSize, 1, nameof(o.MaxOutboundBufferSize));
        AtLeast(o.SoftLimit, 1, nameof(o.SoftLimit));
        Require(o.HardLimit >= o.SoftLimit, $"{Name(nameof(o.HardLimit))} must be at least {Name(nameof(o.SoftLimit))} ({o.SoftLimit} bytes), not {o.HardLimit}");
        Require(o.SoftLimitTime > TimeSpan.Zero, $"{Name(nameof(o.SoftLimitTime))} must be more than 0");
        AtLeast(o.StorageQuotaPerNick, 0, nameof(o.StorageQuotaPerNick));
        AtLeast(o.StorageQuotaPerAddress, 0, nameof(o.StorageQuotaPerAddress));
        AtLeast(o.JoinReplayCount, 0, nameof(o.JoinReplayCount));
        AtLeast(o.JoinNoticeLimit, 0, nameof(o.JoinNoticeLimit));
        AtLeast(o.OutboundBudgetFloor, 0, nameof(o.OutboundBudgetFloor));
        Require(o.MaxOutboundTotal >= 0, $"{Name(nameof(o.MaxOutboundTotal))} must be at least 0 (0 turns it off), not {o.MaxOutboundTotal}");
        AtLeast(o.MaxHistory, 0, nameof(o.MaxHistory));
        AtLeast(o.StoreQueueCapacity, 1, nameof(o.StoreQueueCapacity));
        Require(o.RateLimitPerSecond > 0 && double.IsFinite(o.RateLimitPerSecond), $"{Name(nameof(o.RateLimitPerSecond))} must be more than 0, not {o.RateLimitPerSecond.ToString(CultureInfo.InvariantCulture)}");
        Require(o.IdleTimeout > TimeSpan.Zero, $"{Name(nameof(o.IdleTimeout), "--idle-timeout")} must be more than 0");
        Require(o.ReplyTimeout > TimeSpan.Zero, $"{Name(nameof(o.ReplyTimeout))} must be more than 0");
        Require(o.LineTimeout > TimeSpan.Zero, $"{Name(nameof(o.LineTimeout))} must be more than 0");
        Require(o.ShutdownTimeout >= TimeSpan.Zero, $"{Name(nameof(o.ShutdownTimeout))} must not be negative");

        void AtLeast(int value, int min, string property) =>
            Require(value >= min, $"{Name(property)} must be at least {min}, not {value}");
    }

    /// <summary>How a setting is named in a message: its configuration key, the variable that set it if one did, and its flag.</summary>
    private static string Name(string property, string? flag = null)
    {
        var key = $"{Section}:{property}";
        var variable = Environment.GetEnvironmentVariables().Keys.OfType<string>()
            .FirstOrDefault(k => string.Equals(k, $"SWITCHBOARD_{Section}__{property}", StringComparison.OrdinalIgnoreCase));
        return variable is not null ? $"{key} (from {variable})" : flag is not null ? $"{flag} (Chat:{property})" : key;
    }
}
