using Microsoft.Extensions.Logging;
using Switchboard.Net;
using Switchboard.Web.Json;
using Switchboard.Web.Live;

namespace Switchboard.Web.Client;

/// <summary>
/// The client page's socket: the server process opens one connection on the page's behalf (connect within
/// <see cref="ConsoleOptions.ClientConnectTimeout"/>, 3 s by default; disconnect; send), and streams what arrives
/// back with timestamps. The connection lives as long as the page: closing the tab closes it. Only targets the <see cref="TargetPolicy"/> allows are dialled, and every
/// attempt, allowed or not, is logged with the browser it came from.
/// </summary>
internal sealed class ClientPageSession(WebSocketPeer peer, TargetPolicy targets, TimeSpan connectTimeout, ILogger logger, string browser)
{
    private IClientLink? _link;
    private CancellationTokenSource? _linkStop;
    private Task _receive = Task.CompletedTask;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await SendStateAsync("unconnected", null, cancellationToken);
        try
        {
            await foreach (var command in peer.ReadCommandsAsync(cancellationToken))
            {
                string? error;
                try
                {
                    error = command.Op switch
                    {
                        "connect" => await ConnectAsync(command, cancellationToken),
                        "disconnect" => await DisconnectAsync("disconnected by the user", byUser: true, cancellationToken),
                        "send" => await SendAsync(command, cancellationToken),
                        _ => $"unknown command '{command.Op}'",
                    };
                }
                catch (FormatException ex)
                {
                    error = ex.Message;
                }

                await peer.SendResultAsync(command.Op, error, cancellationToken);
            }
        }
        finally
        {
            await DisconnectAsync("the page closed", byUser: false, CancellationToken.None);
        }
    }

    private async Task<string?> ConnectAsync(ConsoleCommand command, CancellationToken cancellationToken)
    {
        if (_link is not null)
        {
            return "already connected: disconnect first";
        }

        var transport = (command.Transport ?? "tcp").ToLowerInvariant();
        var target = transport == "unix" ? command.Path : $"{command.Host}:{command.Port}";
        await SendStateAsync("connecting", target, cancellationToken);
        try
        {
            _link = await OpenAsync(transport, command, cancellationToken);
        }
        catch (TargetRefusedException ex)
        {
            ConsoleLog.ClientRefused(logger, browser, Printable(transport), Printable(target), Printable(ex.Message));
            await SendStateAsync("unconnected", ex.Message, cancellationToken);
            return ex.Message;
        }
        catch (Exception ex) when (ex is ConnectException or IOException or ArgumentException or FormatException)
        {
            await SendStateAsync("unconnected", ex.Message, cancellationToken);
            return ex.Message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            const string message = "timed out looking up the host";
            await SendStateAsync("unconnected", message, cancellationToken);
            return message;
        }

        _linkStop?.Dispose();
        _linkStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await SendAsync(new ClientStateFrame("connected", null, _link.Transport, _link.Remote, _link.Local), ConsoleJsonContext.Default.ClientStateFrame, cancellationToken);
        _receive = ReceiveLoopAsync(_link, _linkStop.Token);
        return null;
    }

    private async Task<IClientLink> OpenAsync(string transport, ConsoleCommand command, CancellationToken cancellationToken)
    {
        var options = new ClientOptions { ConnectTimeout = connectTimeout };
        switch (transport)
        {
            case "unix":
                if (string.IsNullOrWhiteSpace(command.Path))
                {
                    throw new ArgumentException("give the socket path");
                }

                var path = targets.CheckUnix(command.Path);
                ConsoleLog.ClientConnecting(logger, browser, transport, Printable(path));
                return new StreamLink(await SwitchboardConnection.ConnectUnixAsync(path, options, cancellationToken: cancellationToken));
            case "tcp" or "tls" or "udp":
                if (string.IsNullOrWhiteSpace(command.Host) || command.Port is not (>= 1 and <= 65535))
                {
                    throw new ArgumentException("give a host and a port from 1 to 65535");
                }

                var port = command.Port.Value;
                string dial;
                using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    // The name is resolved once, within the connect timeout, and what passed is what is dialled: a
                    // second lookup could answer with another address.
                    timeout.CancelAfter(connectTimeout);
                    dial = await targets.CheckNetworkAsync(command.Host, port, timeout.Token);
                    ConsoleLog.ClientConnecting(logger, browser, transport, Printable(dial == command.Host ? $"{dial}:{port}" : $"{command.Host}:{port} ({dial})"));
                    if (transport == "udp")
                    {
                        return await UdpLink.ConnectAsync(dial, port, timeout.Token);
                    }
                }

                if (transport == "tls")
                {
                    // The certificate is still checked against the name the user typed.
                    options.Tls = new ClientTlsOptions { Insecure = command.Insecure, ServerName = command.Host.Trim().Trim('[', ']') };
                }

                return new StreamLink(await SwitchboardConnection.ConnectTcpAsync(dial, port, options, cancellationToken: cancellationToken));
            default:
                throw new ArgumentException($"unknown transport '{transport}' (tcp, tls, unix or udp)");
        }
    }

    private async Task ReceiveLoopAsync(IClientLink link, CancellationToken cancellationToken)
    {
        string? reason = null;
        try
        {
            await foreach (var chunk in link.ReceiveAsync(cancellationToken))
            {
                await SendAsync(new ClientDataFrame(DateTimeOffset.UtcNow, "in", chunk.Data, chunk.From), ConsoleJsonContext.Default.ClientDataFrame, cancellationToken);
                await SendCountersAsync(link, cancellationToken);
            }

            reason = (link as StreamLink)?.CloseReason ?? "closed by peer";
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (System.Net.WebSockets.WebSocketException)
        {
            return;
        }

        // The peer ended the connection: tell the page, and forget the link so it can connect again.
        if (ReferenceEquals(Interlocked.CompareExchange(ref _link, null, link), link))
        {
            await link.DisposeAsync();
            await SendCountersAsync(link, CancellationToken.None);
            await SendStateAsync("unconnected", reason == "closed" ? "closed by peer" : reason, CancellationToken.None);
        }
    }

    private async Task<string?> SendAsync(ConsoleCommand command, CancellationToken cancellationToken)
    {
        var link = _link;
        if (link is null)
        {
            return "not connected";
        }

        var data = command.Hex is { } hex ? Payload.FromHex(hex) : Payload.FromText(command.Text ?? "", command.Ending);
        if (data.Length == 0)
        {
            return "nothing to send";
        }

        try
        {
            await link.SendAsync(data, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or ObjectDisposedException)
        {
            return ex.Message;
        }

        await SendAsync(new ClientDataFrame(DateTimeOffset.UtcNow, "out", data, null), ConsoleJsonContext.Default.ClientDataFrame, cancellationToken);
        // The send loop hands bytes to the socket a moment later; give the counters that moment.
        await Task.Delay(20, cancellationToken);
        await SendCountersAsync(link, cancellationToken);
        return null;
    }

    private async Task<string?> DisconnectAsync(string reason, bool byUser, CancellationToken cancellationToken)
    {
        var link = Interlocked.Exchange(ref _link, null);
        if (link is null)
        {
            return byUser ? "not connected" : null;
        }

        await link.CloseAsync(reason);
        if (_linkStop is not null)
        {
            await _linkStop.CancelAsync();
        }

        await _receive.ContinueWith(_ => { }, TaskScheduler.Default);
        await link.DisposeAsync();
        _linkStop?.Dispose();
        _linkStop = null;
        if (peer.IsOpen)
        {
            await SendCountersAsync(link, cancellationToken);
            await SendStateAsync("unconnected", reason, cancellationToken);
        }

        return null;
    }

    /// <summary>What the page typed, safe for a one-line log entry.</summary>
    private static string Printable(string? text)
    {
        text ??= "";
        var clipped = text.Length > 200 ? text[..200] + "…" : text;
        return string.Create(clipped.Length, clipped, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
    }

    private Task SendCountersAsync(IClientLink link, CancellationToken cancellationToken)
        => SendAsync(new ClientCountersFrame(link.BytesIn, link.BytesOut, link.ChunksIn, link.ChunksOut), ConsoleJsonContext.Default.ClientCountersFrame, cancellationToken);

    private Task SendStateAsync(string state, string? detail, CancellationToken cancellationToken)
        => SendAsync(new ClientStateFrame(state, detail, null, null, null), ConsoleJsonContext.Default.ClientStateFrame, cancellationToken);

    private async Task SendAsync<T>(T frame, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        try
        {
            await peer.SendAsync(frame, typeInfo, cancellationToken);
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or ObjectDisposedException)
        {
            // The page is gone; RunAsync's finally closes the connection.
        }
    }
}
