using Switchboard.Net;

namespace Switchboard.Cli.Infrastructure;

/// <summary>Process exit codes shared by the commands, so scripts can tell failures apart.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int HostNotFound = 3;
    public const int Refused = 4;
    public const int TimedOut = 5;
    public const int TlsFailure = 6;
    public const int AddressInUse = 7;
    public const int ConnectionLost = 8;
    public const int Malformed = 9;

    /// <summary>
    /// Ctrl-C and SIGTERM end every command the same way: exit 0. A server stopped by its service manager stopped
    /// as asked (systemd counts 0 as clean); a client stopped by its user did what it was told.
    /// </summary>
    public const int Stopped = Ok;

    public const int ProxyAuthentication = 10;
    public const int ProxyRefused = 11;

    public const string Help = "Exit codes: 0 ok (also when stopped by Ctrl-C or SIGTERM), 1 other failure, 2 bad usage, 3 host not found, 4 connection refused, 5 timed out (or idle for --idle-timeout), 6 TLS failure, 7 address in use, 8 connection lost, 9 malformed data, 10 proxy authentication failed, 11 proxy refused the tunnel.";

    public static int For(ConnectError error) => error switch
    {
        ConnectError.HostNotFound => HostNotFound,
        ConnectError.Refused or ConnectError.PathNotFound => Refused,
        ConnectError.TimedOut => TimedOut,
        ConnectError.TlsFailure => TlsFailure,
        // The server took the connection and dropped it at once: the connection was lost, not refused.
        ConnectError.Reset => ConnectionLost,
        ConnectError.ProxyAuthenticationFailed => ProxyAuthentication,
        ConnectError.ProxyRefused => ProxyRefused,
        _ => Failure,
    };
}
