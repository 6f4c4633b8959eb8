namespace Switchboard.Net;

/// <summary>
/// Under the input's pipe reader on plain sockets: its zero-byte read (which keeps an idle connection from holding
/// a buffer) costs a system call of its own before every real read (the runtime peeks one byte). When the last
/// read filled the whole buffer, or brought a large chunk, the peer is streaming and more data is almost surely
/// waiting, so that zero-byte read is answered at once instead; an idle connection's last read is a short one
/// (a line, a frame), so it still parks in a zero-byte read.
/// </summary>
internal sealed class ReadAheadStream(Stream inner) : Stream
{
    // A read this large means a stream, not a conversation: an echo of 32 KiB in flight reads 20-32 KiB a time
    // into a 64 KiB buffer, which the "full buffer" rule alone never sees.
    private const int StreamingRead = 8 * 1024;

    private bool _lastReadWasFull;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty && _lastReadWasFull)
        {
            _lastReadWasFull = false;
            return ValueTask.FromResult(0);
        }

        var read = inner.ReadAsync(buffer, cancellationToken);
        if (buffer.IsEmpty || !read.IsCompletedSuccessfully)
        {
            return buffer.IsEmpty ? read : AwaitRead(read, buffer.Length);
        }

        var count = read.Result;
        _lastReadWasFull = count == buffer.Length || count >= StreamingRead;
        return ValueTask.FromResult(count);
    }

    private async ValueTask<int> AwaitRead(ValueTask<int> read, int wanted)
    {
        var count = await read;
        _lastReadWasFull = count == wanted || count >= StreamingRead;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
