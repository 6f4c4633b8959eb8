namespace Switchboard.Fuzz.Engine;

/// <summary>
/// A duplex stream for a socket peer: reads hand out the input in the given chunks (then end of stream), writes are
/// counted and dropped. Everything completes synchronously, so a whole WebSocket session runs on the caller's thread.
/// </summary>
internal sealed class ChunkedDuplexStream(byte[] input, int[] cuts) : Stream
{
    private int _chunk;
    private int _offset;

    public long Written { get; private set; }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var end = _chunk < cuts.Length ? cuts[_chunk] : input.Length;
        var available = end - _offset;
        if (available <= 0)
        {
            if (_chunk >= cuts.Length)
            {
                return 0;
            }

            _chunk++;
            return Read(buffer);
        }

        var n = Math.Min(available, buffer.Length);
        input.AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

    public override void Write(byte[] buffer, int offset, int count) => Written += count;

    public override void Write(ReadOnlySpan<byte> buffer) => Written += buffer.Length;

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Written += buffer.Length;
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Written += count;
        return Task.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
