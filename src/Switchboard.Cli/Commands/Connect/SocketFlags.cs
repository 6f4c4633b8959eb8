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
    public Option<bool> NoDelay { get; } = new("--nodelay") { Description = "TCP_NODELAY on: small writes leave at once (the default)." };

    public Option<bool> NoNoDelay { get; } = new("--no-nodelay") { Description = "TCP_NODELAY off: let Nagle's algorithm gather small writes." };

    public Option<KeepAliveSetting?> KeepAlive { get; } = KeepAliveFlag.Create();

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

        result.GetValue(KeepAlive)?.ApplyTo(options);

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
}
