using Switchboard.Cli.Infrastructure;
using Switchboard.Net;

namespace Switchboard.Cli.Tests.Connect;

public sealed class ConnectExitCodeTests
{
    [Theory]
    [InlineData(ConnectError.HostNotFound, ExitCodes.HostNotFound)]
    [InlineData(ConnectError.Refused, ExitCodes.Refused)]
    [InlineData(ConnectError.PathNotFound, ExitCodes.Refused)]
    [InlineData(ConnectError.TimedOut, ExitCodes.TimedOut)]
    [InlineData(ConnectError.TlsFailure, ExitCodes.TlsFailure)]
    [InlineData(ConnectError.Reset, ExitCodes.ConnectionLost)]
    [InlineData(ConnectError.ProxyAuthenticationFailed, ExitCodes.ProxyAuthentication)]
    [InlineData(ConnectError.ProxyRefused, ExitCodes.ProxyRefused)]
    [InlineData(ConnectError.Other, ExitCodes.Failure)]
    public void Each_connect_error_has_its_exit_code(ConnectError error, int exitCode)
        => Assert.Equal(exitCode, ExitCodes.For(error));
}
