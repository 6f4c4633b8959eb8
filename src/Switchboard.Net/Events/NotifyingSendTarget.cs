using System.Buffers;

namespace Switchboard.Net;

/// <summary>
/// Tells a connection how many bytes each send handed to the socket (for <see cref="SwitchboardConnection.BytesWritten"/>
/// and the blocking waits), between its send buffer and its transport. A send that completes at once costs one
/// extra call and no allocation.
/// </summary>
internal sealed class NotifyingSendTarget(ISendTarget inner, SwitchboardConnection owner) : ISendTarget
{
    public ValueTask SendAsync(ReadOnlySequence<byte> data)
    {
        var send = inner.SendAsync(data);
        if (!send.IsCompletedSuccessfully)
        {
            return AwaitedAsync(send, data.Length);
        }

        send.GetAwaiter().GetResult();
        owner.OnBytesWritten(data.Length);
        return ValueTask.CompletedTask;
    }

    private async ValueTask AwaitedAsync(ValueTask send, long count)
    {
        await send;
        owner.OnBytesWritten(count);
    }

    public ValueTask ShutdownSendAsync() => inner.ShutdownSendAsync();

    public void SendFailed(Exception error) => inner.SendFailed(error);
}
