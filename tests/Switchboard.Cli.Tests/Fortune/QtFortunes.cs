namespace Switchboard.Cli.Tests.Fortune;

/// <summary>The fortunes compiled into Qt 5.15's example servers (read from the binaries with <c>strings</c>).</summary>
internal static class QtFortunes
{
    public static readonly string[] All =
    [
        "You've been leading a dog's life. Stay off the furniture.",
        "You've got to think about tomorrow.",
        "You will be surprised by a loud noise.",
        "You will feel hungry again in another hour.",
        "You might have mail.",
        "You cannot kill time without injuring eternity.",
        "Computers are not intelligent. They only think they are.",
    ];
}
