using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Switchboard.Net;

/// <summary>
/// Accepts until the listening socket is closed, handing each socket on. When the process runs out of file
/// descriptors (or the kernel of memory) accepting fails: the loop backs off and tries again, logging the
/// episode once, so the connections already open keep being served and newcomers wait in the backlog.
/// </summary>
internal sealed partial class AcceptLoop
{
    private static readonly TimeSpan s_firstBackoff = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(1);

    private readonly Func<CancellationToken, ValueTask<Socket>> _accept;
    private readonly Action<Socket> _accepted;
    private readonly ILogger _logger;
    private readonly string _where;

    /// <param name="accept">One accept (the listening socket's, or a test's).</param>
    /// <param name="accepted">Takes over an accepted socket; must return quickly.</param>
    /// <param name="logger">Where the out-of-resources episodes are logged.</param>
    /// <param name="where">The address, for the log.</param>
    public AcceptLoop(Func<CancellationToken, ValueTask<Socket>> accept, Action<Socket> accepted, ILogger logger, string where)
    {
        _accept = accept;
        _accepted = accepted;
        _logger = logger;
        _where = where;
    }

    /// <summary>Runs until the listening socket is closed or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.Zero;
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _accept(cancellationToken);
            }
            catch (SocketException ex) when (IsOutOfResources(ex.SocketErrorCode))
            {
                DescriptorBudget.Exhausted();
                if (backoff == TimeSpan.Zero)
                {
                    Log.AcceptFailing(_logger, _where, ex.Message);
                    backoff = s_firstBackoff;
                }
                else
                {
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, s_maxBackoff.Ticks));
                }

                try
                {
                    await Task.Delay(backoff, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                // The peer gave up while waiting in the backlog: nothing to serve.
                continue;
            }
            catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException or SocketException { SocketErrorCode: SocketError.OperationAborted or SocketError.Interrupted })
            {
                // The listening socket was closed: unbound.
                return;
            }

            if (backoff != TimeSpan.Zero)
            {
                Log.AcceptingAgain(_logger, _where);
                backoff = TimeSpan.Zero;
            }

            _accepted(socket);
        }
    }

    // EMFILE and ENFILE surface as TooManyOpenSockets; ENOBUFS and ENOMEM as NoBufferSpaceAvailable.
    private static bool IsOutOfResources(SocketError error) => error is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable;

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Warning, "Cannot accept on {EndPoint}: {Reason}; retrying with back-off (open connections are not affected)")]
        public static partial void AcceptFailing(ILogger logger, string endPoint, string reason);

        [LoggerMessage(21, LogLevel.Information, "Accepting on {EndPoint} again")]
        public static partial void AcceptingAgain(ILogger logger, string endPoint);
    }
}
