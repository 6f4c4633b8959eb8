using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Switchboard.Web.Json;

namespace Switchboard.Web.Live;

/// <summary>
/// One page's WebSocket: JSON frames out (one writer at a time, so frames never interleave) and commands in.
/// Sends await the browser, so a slow page pushes back on whoever feeds it instead of growing a queue.
/// </summary>
internal sealed class WebSocketPeer(WebSocket socket)
{
    // A command is a short JSON object; anything bigger is a broken or hostile page.
    internal const int MaxCommandSize = 256 * 1024;

    private readonly SemaphoreSlim _sendGate = new(1, 1);

    public bool IsOpen => socket.State == WebSocketState.Open;

    public async Task SendAsync<T>(T frame, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(frame, typeInfo);
        await _sendGate.WaitAsync(cancellationToken);
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }
        }
        finally
        {
            _sendGate.Release();
        }
    }

    public Task SendResultAsync(string op, string? error, CancellationToken cancellationToken)
        => SendAsync(new ResultFrame(op, error is null, error), ConsoleJsonContext.Default.ResultFrame, cancellationToken);

    /// <summary>Reads commands until the page closes. A frame that is not a command is answered with an error.</summary>
    public async IAsyncEnumerable<ConsoleCommand> ReadCommandsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (socket.State == WebSocketState.Open)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult result;
            do
            {
                if (buffer.WrittenCount >= MaxCommandSize)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, "command too large", cancellationToken);
                    yield break;
                }

                result = await socket.ReceiveAsync(buffer.GetMemory(4096), cancellationToken);
                buffer.Advance(result.Count);
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                await CloseQuietlyAsync();
                yield break;
            }

            ConsoleCommand? command;
            try
            {
                command = JsonSerializer.Deserialize(buffer.WrittenSpan, ConsoleJsonContext.Default.ConsoleCommand);
            }
            catch (JsonException)
            {
                command = null;
            }

            // A JSON object without "op" (or with "op": null) deserializes with a null Op despite its "" default: the
            // source-generated constructor sets every init property, absent ones to null.
            if (command is null || string.IsNullOrEmpty(command.Op))
            {
                await SendResultAsync("?", "not a command", cancellationToken);
                continue;
            }

            yield return command;
        }
    }

    public async Task CloseQuietlyAsync()
    {
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The page is gone already: nothing to say goodbye to.
        }
    }
}
