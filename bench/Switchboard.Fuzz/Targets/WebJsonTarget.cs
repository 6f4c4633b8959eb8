using System.Text;
using System.Text.Json;
using Switchboard.Fuzz.Engine;
using Switchboard.Web.Client;
using Switchboard.Web.Json;

namespace Switchboard.Fuzz.Targets;

/// <summary>
/// The web console's command JSON (what <c>WebSocketPeer</c> deserializes) and the client page's payload parser:
/// a malformed command raises only <see cref="JsonException"/> (the one the peer catches); a bad payload only
/// <see cref="FormatException"/> (the one the client page turns into an answer); hex written by us reads back.
/// </summary>
internal sealed class WebJsonTarget : IFuzzTarget
{
    private static readonly string[] s_ops = ["send", "kick", "connect", "disconnect", "join", "part", "nick", "say", "listen", "stop", "rooms", "", "?"];
    private static readonly string[] s_endings = ["none", "lf", "crlf", "LF", "", "cr", "\u0130"];
    private static readonly string[] s_separators = ["", " ", ":", "-", ",", "0x", " 0x", "\t"];

    public string Name => "web-json";

    public string Summary => "web console commands (System.Text.Json, source-generated ConsoleCommand) and Payload.FromHex/FromText";

    public void Run(Rng rng, FuzzCase current)
    {
        var (json, hexBytes, hexText) = Command(rng);
        var valid = Encoding.UTF8.GetBytes(json);
        var input = rng.Below(100) switch
        {
            < 15 => valid,
            < 20 => rng.Bytes(rng.Below(64)),
            < 25 => Encoding.UTF8.GetBytes(new string('[', rng.Between(60, 2000))),
            _ => Mutator.Mutate(rng, valid, Mutator.Boundaries(int.MaxValue), Encoding.UTF8.GetBytes(",\"op\":\"kick\"")),
        };
        current.Input = input;

        ConsoleCommand? command;
        try
        {
            command = JsonSerializer.Deserialize(input, ConsoleJsonContext.Default.ConsoleCommand);
        }
        catch (JsonException)
        {
            command = null;
        }
        catch (Exception ex)
        {
            throw new FuzzFailure($"deserializing a command threw {ex.GetType().Name} (the peer catches only JsonException): {ex.Message}", ex);
        }

        if (ReferenceEquals(input, valid) && hexText is not null)
        {
            var read = Payload.FromHex(hexText);
            if (!read.AsSpan().SequenceEqual(hexBytes))
            {
                throw new FuzzFailure($"hex did not round-trip: {hexText} read as {Convert.ToHexString(read)}");
            }
        }

        if (command is null)
        {
            return;
        }

        Guard(() => command.Hex is { } hex ? Payload.FromHex(hex) : []);
        Guard(() => command.Text is { } text ? Payload.FromText(text, command.Ending) : []);
    }

    public void Dispose()
    {
    }

    private static void Guard(Func<byte[]> parse)
    {
        try
        {
            parse();
        }
        catch (FormatException)
        {
        }
        catch (Exception ex)
        {
            throw new FuzzFailure($"a payload threw {ex.GetType().Name} (the client page catches FormatException): {ex.Message}", ex);
        }
    }

    /// <summary>A plausible command; with hex, the bytes it stands for and the hex text.</summary>
    private static (string Json, byte[] HexBytes, string? HexText) Command(Rng rng)
    {
        var fields = new Dictionary<string, object?> { ["op"] = rng.Pick(s_ops) };
        byte[] hexBytes = [];
        string? hexText = null;
        if (rng.Chance(40))
        {
            hexBytes = rng.Bytes(rng.Below(32));
            var separator = rng.Pick(s_separators);
            hexText = string.Join(separator, hexBytes.Select(b => b.ToString(rng.Chance(50) ? "x2" : "X2")));
            if (separator.StartsWith("0x", StringComparison.Ordinal) || separator == " 0x")
            {
                hexText = (hexBytes.Length > 0 ? "0x" : "") + hexText;
            }

            fields["hex"] = hexText;
        }

        if (rng.Chance(50))
        {
            fields["text"] = Text.Valid(rng, 40);
            fields["ending"] = rng.Pick(s_endings);
        }

        if (rng.Chance(40))
        {
            fields["id"] = rng.Chance(80) ? rng.Below(1000) : (long)rng.Next();
        }

        if (rng.Chance(30))
        {
            fields["port"] = rng.Pick<long>([0, 1, 8899, 65535, 65536, -1, int.MaxValue]);
            fields["host"] = rng.Pick<string>(["127.0.0.1", "::1", "localhost", "", "example.com", "[::1]", "256.1.1.1"]);
            fields["transport"] = rng.Pick<string>(["tcp", "udp", "unix", "tls", ""]);
        }

        if (rng.Chance(30))
        {
            fields["nick"] = Text.Valid(rng, 20);
            fields["room"] = Text.Valid(rng, 20);
            fields["since"] = rng.Pick<long>([0, 1, -1, long.MaxValue]);
            fields["insecure"] = rng.Chance(50);
        }

        return (JsonSerializer.Serialize(fields), hexBytes, hexText);
    }
}
