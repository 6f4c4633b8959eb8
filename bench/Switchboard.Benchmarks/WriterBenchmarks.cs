using System.Buffers;
using BenchmarkDotNet.Attributes;
using Switchboard.Net.Framing;

namespace Switchboard.Benchmarks;

/// <summary>Each framing writer, 32-byte messages, into a reused buffer writer: one operation per message.</summary>
[MemoryDiagnoser]
public class WriterBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(1024 * 1024);
    private readonly ReadOnlyMemory<byte> _payload = Enumerable.Repeat((byte)'x', 32).ToArray();
    private readonly string _text = new('é', 16); // 32 bytes of UTF-8
    private readonly LengthPrefixedWriter _prefixed1 = new(1);
    private readonly LengthPrefixedWriter _prefixed2 = new(2);
    private readonly LengthPrefixedWriter _prefixed4 = new(4);

    [Benchmark(OperationsPerInvoke = Messages.Batch)]
    public int LineWriter_string() => WriteAll(LineWriter.Crlf, _text);

    [Benchmark(OperationsPerInvoke = Messages.Batch)]
    public int LineWriter_bytes() => WriteAll<ReadOnlyMemory<byte>>(LineWriter.Lf, _payload);

    [Benchmark(OperationsPerInvoke = Messages.Batch)]
    public int LengthPrefixedWriter_1() => WriteAll<ReadOnlyMemory<byte>>(_prefixed1, _payload);

    [Benchmark(OperationsPerInvoke = Messages.Batch)]
    public int LengthPrefixedWriter_2() => WriteAll<ReadOnlyMemory<byte>>(_prefixed2, _payload);

    [Benchmark(OperationsPerInvoke = Messages.Batch)]
    public int LengthPrefixedWriter_4() => WriteAll<ReadOnlyMemory<byte>>(_prefixed4, _payload);

    [Benchmark(OperationsPerInvoke = Messages.Batch)]
    public int RawWriter() => WriteAll<ReadOnlyMemory<byte>>(Net.Framing.RawWriter.Instance, _payload);

    private int WriteAll<T>(IMessageWriter<T> writer, T message)
    {
        _output.ResetWrittenCount();
        for (var i = 0; i < Messages.Batch; i++)
        {
            writer.WriteMessage(message, _output);
        }

        return _output.WrittenCount;
    }
}
