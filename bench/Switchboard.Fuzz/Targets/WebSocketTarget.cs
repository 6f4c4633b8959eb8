using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Switchboard.Fuzz.Engine;
using Switchboard.Web.Json;
using Switchboard.Web.Live;

namespace Switchboard.Fuzz.Targets;

/// <summary>
/// WebSocket frames from a page, through .NET's server-side WebSocket into <see cref="WebSocketPeer"/>'s command loop,
/// as the console runs it: text, binary, fragmented, control and close frames with mutated headers (opcodes, RSV bits,
/// the mask bit, 7/16/64-bit lengths at their boundaries). The loop may end only as the console expects
/// (<see cref="WebSocketException"/>, or cancellation); the commands seen do not depend on how the bytes arrive.
/// </summary>
internal sealed class WebSocketTarget : IFuzzTarget
{
    private static readonly WebSocketCreationOptions s_options = new() { IsServer = true, KeepAliveInterval = TimeSpan.Zero };

    public string Name => "web-socket";

    public string Summary => "WebSocket frames -> ManagedWebSocket (server) -> WebSocketPeer.ReadCommandsAsync";

    public void Run(Rng rng, FuzzCase current)
    {
        var valid = Frames(rng);
        var input = rng.Below(100) switch
        {
            < 15 => valid,
            < 20 => rng.Bytes(rng.Below(64)),
            _ => Mutator.Mutate(rng, valid, Mutator.Boundaries(WebSocketPeer.MaxCommandSize), Frame(rng, 0x1, Encoding.UTF8.GetBytes("{\"op\":\"x\"}"), true)),
        };
        current.Input = input;

        var whole = Session(input, []);
        var cuts = Mutator.Cuts(rng, input.Length);
        var split = Session(input, cuts);
        if (whole != split)
        {
            throw new FuzzFailure($"the same frames cut at {string.Join(",", cuts.Take(20))} gave other commands.\nwhole:\n{whole}\ncut:\n{split}");
        }
    }

    public void Dispose()
    {
    }

    private static string Session(byte[] input, int[] cuts)
    {
        var stream = new ChunkedDuplexStream(input, cuts);
        using var socket = WebSocket.CreateFromStream(stream, s_options);
        var peer = new WebSocketPeer(socket);
        var seen = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        // The stream completes every call synchronously, so the whole session runs here, on this thread.
        async Task RunAsync()
        {
            try
            {
                await foreach (var command in peer.ReadCommandsAsync(timeout.Token))
                {
                    seen.Append(JsonSerializer.Serialize(command, ConsoleJsonContext.Default.ConsoleCommand)).Append('\n');
                }

                seen.Append("end");
            }
            catch (WebSocketException)
            {
                // The console's endpoint ends the page's session on these (ConsoleEndpoints.AcceptAsync).
                seen.Append("websocket-error");
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                throw new FuzzFailure("the command loop did not end within 30 s of the stream ending");
            }
            catch (Exception ex)
            {
                throw new FuzzFailure($"the command loop threw {ex.GetType().Name} (the console expects WebSocketException): {ex.Message}", ex);
            }
        }

        RunAsync().GetAwaiter().GetResult();
        return seen.ToString();
    }

    /// <summary>A few client frames: commands as text (sometimes fragmented), pings, binary, and sometimes a close.</summary>
    private static byte[] Frames(Rng rng)
    {
        var output = new List<byte>();
        for (var i = rng.Between(1, 4); i > 0; i--)
        {
            var json = Encoding.UTF8.GetBytes($"{{\"op\":\"{rng.Pick<string>(["send", "kick", "join", "say", ""])}\",\"id\":{rng.Below(100)},\"text\":{JsonSerializer.Serialize(Text.Valid(rng, 30))}}}");
            if (rng.Below(1000) < 3)
            {
                json = new byte[rng.Pick<int>([WebSocketPeer.MaxCommandSize - 1, WebSocketPeer.MaxCommandSize, WebSocketPeer.MaxCommandSize + 1])];
            }

            switch (rng.Below(6))
            {
                case 0:
                    var cut = rng.Below(json.Length + 1);
                    output.AddRange(Frame(rng, 0x1, json[..cut], false));
                    output.AddRange(Frame(rng, 0x9, rng.Bytes(rng.Below(8)), true));
                    output.AddRange(Frame(rng, 0x0, json[cut..], true));
                    break;
                case 1:
                    output.AddRange(Frame(rng, 0x9, rng.Bytes(rng.Below(126)), true));
                    break;
                case 2:
                    output.AddRange(Frame(rng, 0x2, json, true));
                    break;
                default:
                    output.AddRange(Frame(rng, 0x1, json, true));
                    break;
            }
        }

        if (rng.Chance(30))
        {
            var close = new byte[2 + rng.Below(10)];
            BinaryPrimitives.WriteUInt16BigEndian(close, rng.Pick<ushort>([1000, 1001, 1002, 1005, 1009, 3000, 4999, 5000, 0, 65535]));
            output.AddRange(Frame(rng, 0x8, close, true));
        }

        return [.. output];
    }

    /// <summary>One masked client frame, its length in the shortest form or, sometimes, a longer legal one.</summary>
    private static byte[] Frame(Rng rng, int opcode, byte[] payload, bool fin)
    {
        var frame = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        var length = payload.Length;
        var wide = rng.Chance(10);
        if (length < 126 && !wide)
        {
            frame.Add((byte)(0x80 | length));
        }
        else if (length <= 0xFFFF && !(wide && rng.Chance(50)))
        {
            frame.Add(0x80 | 126);
            frame.Add((byte)(length >> 8));
            frame.Add((byte)length);
        }
        else
        {
            frame.Add(0x80 | 127);
            var wideLength = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(wideLength, (ulong)length);
            frame.AddRange(wideLength);
        }

        var mask = rng.Bytes(4);
        frame.AddRange(mask);
        var header = frame.Count;
        var bytes = new byte[header + payload.Length];
        frame.CopyTo(bytes);
        for (var i = 0; i < payload.Length; i++)
        {
            bytes[header + i] = (byte)(payload[i] ^ mask[i & 3]);
        }

        return bytes;
    }
}
