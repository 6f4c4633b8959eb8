namespace Switchboard.Net.Tests.Transport;

/// <summary>The zero-byte read before each real read is skipped only right after a read that filled its buffer.</summary>
public sealed class ReadAheadStreamTests
{
    [Fact]
    public async Task A_zero_byte_read_after_a_full_read_is_answered_at_once_and_after_a_short_one_reaches_the_socket()
    {
        var inner = new CountingStream(new MemoryStream(new byte[100]));
        var stream = new ReadAheadStream(inner);

        Assert.Equal(0, await stream.ReadAsync(Memory<byte>.Empty));
        Assert.Equal(1, inner.ZeroByteReads);
        Assert.Equal(64, await stream.ReadAsync(new byte[64]));
        // The buffer was filled: more is probably waiting, so no system call for the next zero-byte read.
        Assert.Equal(0, await stream.ReadAsync(Memory<byte>.Empty));
        Assert.Equal(1, inner.ZeroByteReads);
        Assert.Equal(36, await stream.ReadAsync(new byte[64]));
        // A short read: the peer may have nothing more, so the next zero-byte read waits on the socket again.
        Assert.Equal(0, await stream.ReadAsync(Memory<byte>.Empty));
        Assert.Equal(2, inner.ZeroByteReads);
    }

    private sealed class CountingStream(Stream inner) : Stream
    {
        public int ZeroByteReads { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.IsEmpty)
            {
                ZeroByteReads++;
            }

            return inner.ReadAsync(buffer, cancellationToken);
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
