using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;

namespace Switchboard.Net;

/// <summary>
/// One socket send at a time for a transport's drain loop, which lets go of the buffer once the send is done. The
/// runtime's <see cref="Socket.SendAsync(ReadOnlyMemory{byte}, SocketFlags, CancellationToken)"/> keeps an event-args
/// object per socket that still points at the last buffer sent; that buffer is a pooled 16 KiB segment of the send
/// pipe, so every idle connection that ever sent kept one alive (the pool hands the same arrays around, so 5,000
/// chat connections held ~1,300 of them: 4.3 KB per connection, a third of a chat connection's managed heap).
/// Never disposed: a send may complete after its transport was disposed, and this must still be usable then.
/// </summary>
internal sealed class SendOperation : SocketAsyncEventArgs, IValueTaskSource<int>
{
    private ManualResetValueTaskSourceCore<int> _source;

    public SendOperation()
        : base(unsafeSuppressExecutionContextFlow: true)
    {
    }

    /// <summary>Sends what the socket takes of <paramref name="data"/> (one system call); returns how many bytes.</summary>
    public ValueTask<int> SendAsync(Socket socket, ReadOnlyMemory<byte> data)
    {
        _source.Reset();
        SetBuffer(MemoryMarshal.AsMemory(data));
        return Start(socket);
    }

    /// <summary>Sends several buffers in one system call (a gather write); returns how many bytes were taken.</summary>
    public ValueTask<int> SendAsync(Socket socket, IList<ArraySegment<byte>> buffers)
    {
        _source.Reset();
        BufferList = buffers;
        return Start(socket);
    }

    public int GetResult(short token) => _source.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _source.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _source.OnCompleted(continuation, state, token, flags);

    protected override void OnCompleted(SocketAsyncEventArgs e)
    {
        var (sent, error) = Finish();
        if (error == SocketError.Success)
        {
            _source.SetResult(sent);
        }
        else
        {
            _source.SetException(new SocketException((int)error));
        }
    }

    private ValueTask<int> Start(Socket socket)
    {
        bool pending;
        try
        {
            pending = socket.SendAsync(this);
        }
        catch
        {
            Finish();
            throw;
        }

        if (pending)
        {
            return new ValueTask<int>(this, _source.Version);
        }

        var (sent, error) = Finish();
        return error == SocketError.Success ? new ValueTask<int>(sent) : ValueTask.FromException<int>(new SocketException((int)error));
    }

    // Reads the outcome and drops the references to the buffers, which belong to the pipe (and its pool) again.
    private (int Sent, SocketError Error) Finish()
    {
        var outcome = (BytesTransferred, SocketError);
        if (BufferList is not null)
        {
            BufferList = null;
        }
        else
        {
            SetBuffer(Memory<byte>.Empty);
        }

        return outcome;
    }
}
