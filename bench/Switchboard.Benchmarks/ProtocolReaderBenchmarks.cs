using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using Switchboard.Net.Framing;

namespace Switchboard.Benchmarks;

/// <summary>
/// <see cref="ProtocolReader{T}"/> over a real <see cref="Pipe"/>: the pipe bookkeeping and the async read path
/// around the parser, as a connection's handler runs it. One operation per message; the one ProtocolReader
/// created per batch of 1000 shows as a fraction of a byte per message.
/// </summary>
[MemoryDiagnoser]
public class ProtocolReaderBenchmarks
{
    private readonly LineReader _lineReader = new();
    private readonly LengthPrefixedReader _prefixedReader = new();
    private byte[] _lines = [];
    private byte[] _prefixed = [];

    [Params(32)]
    public int Payload { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _lines = Messages.Lines(Payload, crlf: false);
        _prefixed = Messages.LengthPrefixed(Payload, 4);
        _pipe.Writer.Complete();
        _pipe.Reader.Complete();
    }

    [Benchmark(OperationsPerInvoke = Messages.Batch)]
    public Task<long> Lines() => ReadAllAsync(_lineReader, _lines);

    [Benchmark(OperationsPerInvoke = Messages.Batch)]
    public Task<long> LengthPrefixed() => ReadAllAsync(_prefixedReader, _prefixed);

    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 0, readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));

    private async Task<long> ReadAllAsync(IMessageReader<ReadOnlySequence<byte>> parser, byte[] data)
    {
        _pipe.Reset();
        // Written in 4 KiB slices, as a socket would deliver them, so messages straddle reads.
        for (var at = 0; at < data.Length; at += 4096)
        {
            await _pipe.Writer.WriteAsync(data.AsMemory(at, Math.Min(4096, data.Length - at)));
        }

        await _pipe.Writer.CompleteAsync();
        var reader = new ProtocolReader<ReadOnlySequence<byte>>(_pipe.Reader, parser);
        long total = 0;
        while (true)
        {
            var result = await reader.ReadAsync();
            if (result.IsCompleted)
            {
                break;
            }

            total += result.Message.Length;
        }

        await _pipe.Reader.CompleteAsync();
        return total;
    }
}
