namespace Switchboard.Cli.Commands.Chat;

/// <summary>ANSI SGR colours, applied only when colour is on.</summary>
internal static class Ansi
{
    public const string Reset = "\u001b[0m";
    public const string Dim = "\u001b[2m";
    public const string Bold = "\u001b[1m";
    public const string Red = "\u001b[31m";
    public const string Green = "\u001b[32m";
    public const string Yellow = "\u001b[33m";
    public const string Blue = "\u001b[34m";
    public const string Magenta = "\u001b[35m";
    public const string Cyan = "\u001b[36m";

    private static readonly string[] s_nickColours = ["\u001b[31m", "\u001b[32m", "\u001b[33m", "\u001b[34m", "\u001b[35m", "\u001b[36m", "\u001b[91m", "\u001b[92m", "\u001b[94m", "\u001b[95m"];

    public static string Paint(bool on, string colour, string text) => on ? colour + text + Reset : text;

    /// <summary>The same nick always gets the same colour (a stable hash, not string.GetHashCode, which varies per run).</summary>
    public static string NickColour(string nick)
    {
        var hash = 0u;
        foreach (var c in nick.ToLowerInvariant())
        {
            hash = (hash * 31) + c;
        }

        return s_nickColours[hash % (uint)s_nickColours.Length];
    }
}
