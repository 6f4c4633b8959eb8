namespace Switchboard.Net;

/// <summary>
/// Under the input's pipe reader on plain sockets: its zero-byte read (which keeps an idle connection from holding
/// a buffer) costs a system call of its own before every real read. When the last read filled the whole buffer
/// more data is almost surely waiting, so that zero-byte read is answered at once instead; an idle connection's
/// last read is a short one, so it still parks in a zero-byte read.
/// </summary>
internal sealed class ReadAheadStream(Stream inner) : Stream
{
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
        _lastReadWasFull = count == buffer.Length;
        return ValueTask.FromResult(count);
    }

    private async ValueTask<int> AwaitRead(ValueTask<int> read, int wanted)
    {
        var count = await read;
        _lastReadWasFull = count == wanted;
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
