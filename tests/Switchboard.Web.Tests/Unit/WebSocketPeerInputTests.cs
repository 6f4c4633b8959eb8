using System.Net.WebSockets;
using System.Text;
using Switchboard.Web.Live;

namespace Switchboard.Web.Tests.Unit;

/// <summary>
/// Inputs found by the fuzzer (bench/Switchboard.Fuzz, target web-socket): whatever a page sends, the command loop
/// ends only as the console expects (normally, or with <see cref="WebSocketException"/>), and a frame that is not a
/// command is answered "not a command".
/// </summary>
public sealed class WebSocketPeerInputTests
{
    [Theory]
    [InlineData("{\"id\":1}")]
    [InlineData("{\"op\":null}")]
    [InlineData("{\"OP\":null,\"text\":\"hi\"}")]
    [InlineData("{}")]
    public async Task A_command_without_an_op_is_answered_not_a_command(string json)
    {
        var input = Frame(0x1, Encoding.UTF8.GetBytes(json)).Concat(Frame(0x8, [0x03, 0xE8])).ToArray();

        var (commands, error, written) = await RunAsync(input);

        Assert.Null(error);
        Assert.Empty(commands);
        Assert.Contains("not a command", written, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_fuzzers_input_ends_the_loop_as_a_websocket_error_not_a_crash()
    {
        // seed 1, case 410: {"%p":"x"} as a masked text frame, then the first bytes of another frame.
        var input = Convert.FromHexString("818AA3462401D8640171817C0679813B81A9B358");

        var (commands, error, written) = await RunAsync(input);

        Assert.Empty(commands);
        Assert.Contains("not a command", written, StringComparison.Ordinal);
        Assert.IsType<WebSocketException>(error);
    }

    private static async Task<(List<string> Commands, Exception? Error, string Written)> RunAsync(byte[] input)
    {
        var output = new MemoryStream();
        var stream = new DuplexStream(new MemoryStream(input), output);
        using var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        var peer = new WebSocketPeer(socket);
        var commands = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var error = await Record.ExceptionAsync(async () =>
        {
            await foreach (var command in peer.ReadCommandsAsync(timeout.Token))
            {
                commands.Add(command.Op);
            }
        });
        return (commands, error, Encoding.UTF8.GetString(output.ToArray()));
    }

    /// <summary>A masked client frame (FIN set) with a 7-bit length.</summary>
    private static byte[] Frame(int opcode, byte[] payload)
    {
        byte[] mask = [0x12, 0x34, 0x56, 0x78];
        var frame = new List<byte> { (byte)(0x80 | opcode), (byte)(0x80 | payload.Length) };
        frame.AddRange(mask);
        frame.AddRange(payload.Select((b, i) => (byte)(b ^ mask[i & 3])));
        return [.. frame];
    }

    /// <summary>Reads from one stream and writes to another: a socket whose peer has already said everything.</summary>
    private sealed class DuplexStream(Stream reads, Stream writes) : Stream
    {
        public override bool CanRead => true;

        public override bool CanWrite => true;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => reads.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => reads.ReadAsync(buffer, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => writes.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => writes.WriteAsync(buffer, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
