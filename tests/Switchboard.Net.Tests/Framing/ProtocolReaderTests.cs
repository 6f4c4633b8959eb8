using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Switchboard.Net.Framing;

namespace Switchboard.Net.Tests.Framing;

public sealed class ProtocolReaderTests
{
    // A fresh token per use: one static token would start counting when the class loads and, on a busy machine,
    // run out for the tests that happen to be scheduled last.
    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    [Fact]
    public async Task Reads_messages_written_in_pieces_then_reports_completion()
    {
        var pipe = new Pipe();
        var reader = new ProtocolReader<ReadOnlySequence<byte>>(pipe.Reader, new LineReader());
        var reading = Task.Run(async () =>
        {
            var lines = new List<string>();
            while (true)
            {
                var result = await reader.ReadAsync(Timeout);
                if (result.IsCompleted)
                {
                    return lines;
                }

                lines.Add(Encoding.UTF8.GetString(result.Message));
            }
        });

        foreach (var piece in new[] { "al", "pha\nbe", "ta\n", "gamma\n" })
        {
            await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(piece), Timeout);
        }

        await pipe.Writer.CompleteAsync();
        Assert.Equal(["alpha", "beta", "gamma"], await reading);
        Assert.Equal(3, reader.MessagesRead);
    }

    [Fact]
    public async Task A_stream_that_ends_inside_a_message_is_an_incomplete_message()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync("whole\nhalf"u8.ToArray(), Timeout);
        await pipe.Writer.CompleteAsync();
        var reader = new ProtocolReader<ReadOnlySequence<byte>>(pipe.Reader, new LineReader());
        Assert.False((await reader.ReadAsync(Timeout)).IsCompleted);
        var error = await Assert.ThrowsAsync<IncompleteMessageException>(async () => await reader.ReadAsync(Timeout));
        Assert.Equal(4, error.BufferedBytes);
    }

    [Fact]
    public async Task After_a_recoverable_error_the_next_message_is_read()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[] { 0xFF, 0xFE, (byte)'\n', (byte)'o', (byte)'k', (byte)'\n' }, Timeout);
        await pipe.Writer.CompleteAsync();
        var reader = new ProtocolReader<ReadOnlySequence<byte>>(pipe.Reader, new LineReader());
        await Assert.ThrowsAsync<InvalidMessageException>(async () => await reader.ReadAsync(Timeout));
        var next = await reader.ReadAsync(Timeout);
        Assert.Equal("ok", Encoding.UTF8.GetString(next.Message));
        Assert.True((await reader.ReadAsync(Timeout)).IsCompleted);
    }

    [Fact]
    public async Task An_oversized_line_arriving_slowly_is_refused_once_past_the_limit()
    {
        var pipe = new Pipe();
        var reader = new ProtocolReader<ReadOnlySequence<byte>>(pipe.Reader, new LineReader(maxLineLength: 1024));
        var reading = reader.ReadAsync(Timeout).AsTask();
        var chunk = new byte[100];
        chunk.AsSpan().Fill((byte)'x');
        Exception? error = null;
        for (var i = 0; i < 20 && error is null; i++)
        {
            await pipe.Writer.WriteAsync(chunk, Timeout);
            await Task.WhenAny(reading, Task.Delay(10));
            if (reading.IsCompleted)
            {
                error = await Record.ExceptionAsync(() => reading);
            }
        }

        Assert.IsType<MessageTooLargeException>(error);
    }
}

public sealed class ProtocolReaderEndTests
{
    [Fact]
    public async Task Reading_again_after_the_end_keeps_reporting_the_end()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync("x\n"u8.ToArray());
        await pipe.Writer.CompleteAsync();
        var reader = new ProtocolReader<ReadOnlySequence<byte>>(pipe.Reader, new LineReader());
        Assert.False((await reader.ReadAsync()).IsCompleted);
        Assert.True((await reader.ReadAsync()).IsCompleted);
        Assert.True((await reader.ReadAsync()).IsCompleted);
    }
}
