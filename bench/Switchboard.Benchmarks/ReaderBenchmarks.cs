using System.Buffers;
using BenchmarkDotNet.Attributes;
using Switchboard.Net.Framing;

namespace Switchboard.Benchmarks;

/// <summary>
/// Each framing reader's TryParseMessage over a batch of 32-byte messages already in memory: the parser alone,
/// one operation per message. Segment size 4096 is how a pipe hands data over; 16 forces messages across segments.
/// </summary>
[MemoryDiagnoser]
public class ReaderBenchmarks
{
    private const int Payload = 32;
    private readonly LineReader _lines = new();
    private readonly LineReader _linesUnchecked = new(validateUtf8: false);
    private readonly RawReader _raw = new(64);
    private readonly LengthPrefixedReader _prefixed1 = new(1);
    private readonly LengthPrefixedReader _prefixed2 = new(2);
    private readonly LengthPrefixedReader _prefixed4 = new(4);
    private ReadOnlySequence<byte> _lineInput;
    private ReadOnlySequence<byte> _prefixed1Input;
    private ReadOnlySequence<byte> _prefixed2Input;
    private ReadOnlySequence<byte> _prefixed4Input;
    private ReadOnlySequence<byte> _rawInput;

    [Params(4096, 16)]
    public int SegmentSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _lineInput = Messages.Segmented(Messages.Lines(Payload, crlf: true), SegmentSize);
        _prefixed1Input = Messages.Segmented(Messages.LengthPrefixed(Payload, 1), SegmentSize);
        _prefixed2Input = Messages.Segmented(Messages.LengthPrefixed(Payload, 2), SegmentSize);
        _prefixed4Input = Messages.Segmented(Messages.LengthPrefixed(Payload, 4), SegmentSize);
        _rawInput = Messages.Segmented(new byte[64 * Messages.Batch], SegmentSize);
    }

    [Benchmark(OperationsPerInvoke = Messages.Batch)]
    public long LineReader_utf8() => ParseAll(_lines, _lineInput);

    [Benchmark(OperationsPerInvoke = Messages.Batch)]
    public long LineReader_no_validation() => ParseAll(_linesUnchecked, _lineInput);

    [Benchmark(OperationsPerInvoke = Messages.Batch)]
    public long LengthPrefixedReader_1() => ParseAll(_prefixed1, _prefixed1Input);

    [Benchmark(OperationsPerInvoke = Messages.Batch)]
    public long LengthPrefixedReader_2() => ParseAll(_prefixed2, _prefixed2Input);

    [Benchmark(OperationsPerInvoke = Messages.Batch)]
    public long LengthPrefixedReader_4() => ParseAll(_prefixed4, _prefixed4Input);

    [Benchmark(OperationsPerInvoke = Messages.Batch)]
    public long RawReader_64B() => ParseAll(_raw, _rawInput);

    private static long ParseAll(IMessageReader<ReadOnlySequence<byte>> reader, ReadOnlySequence<byte> input)
    {
        long total = 0;
        while (true)
        {
            var consumed = input.Start;
            var examined = input.Start;
            if (!reader.TryParseMessage(input, ref consumed, ref examined, out var message))
            {
                return total;
            }

            total += message.Length;
            input = input.Slice(consumed);
        }
    }
}
