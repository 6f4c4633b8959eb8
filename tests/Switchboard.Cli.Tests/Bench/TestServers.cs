using System.Buffers;
using System.Net;
using Switchboard.Net;
using Switchboard.Net.Framing;

namespace Switchboard.Cli.Tests.Bench;

/// <summary>In-process servers for the bench to aim at, on port 0 of 127.0.0.1.</summary>
internal static class TestServers
{
    public static Task<SwitchboardListener> StartEchoAsync() => SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), async (connection, shutdown) =>
    {
        var input = connection.Input;
        while (true)
        {
            var result = await input.ReadAsync(shutdown);
            foreach (var segment in result.Buffer)
            {
                await connection.SendAsync(segment, shutdown);
            }

            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    });

    /// <summary>A minimal chat room: each line goes, prefixed by its sender, to everyone else; /nick lines are swallowed.</summary>
    public static async Task<SwitchboardListener> StartRoomAsync()
    {
        var registry = new ConnectionRegistry();
        return await SwitchboardListener.StartAsync(ListenerOptions.Loopback(0), async (connection, shutdown) =>
        {
            var reader = connection.CreateReader(new LineReader());
            var line = new ArrayBufferWriter<byte>();
            while (true)
            {
                var result = await reader.ReadAsync(shutdown);
                if (result.IsCompleted)
                {
                    return;
                }

                var text = result.Message.ToArray();
                if (text.AsSpan().StartsWith("/nick "u8))
                {
                    continue;
                }

                line.ResetWrittenCount();
                line.Write("<someone> "u8);
                line.Write(text);
                line.Write("\n"u8);
                registry.Broadcast(line.WrittenSpan, except: connection);
            }
        }, registry: registry);
    }

    public static string Target(SwitchboardListener listener) => $"127.0.0.1:{((IPEndPoint)listener.BoundEndPoint).Port}";
}
