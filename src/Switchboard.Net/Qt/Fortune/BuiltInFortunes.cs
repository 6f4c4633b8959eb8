namespace Switchboard.Net.Qt.Fortune;

/// <summary>
/// The fortunes served when no file is given. Several are deliberately not ASCII (accents, symbols, characters
/// outside the Basic Multilingual Plane) so that a client which mangles UTF-16 shows it at once.
/// </summary>
public static class BuiltInFortunes
{
    /// <summary>The built-in fortunes.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        "A journey of a thousand miles begins with a single packet.",
        "Loopback: there is no place like 127.0.0.1. 🏠",
        "Tomorrow's forecast: a 100 % chance of déjà vu.",
        "Ça ira mieux demain, après un café crème.",
        "Grüße aus dem Netz: straße, Bäcker, Öl. ✉",
        "Your next build will be warning-free. ✓",
        "∀ packets ∃ a port; Σ bytes ≥ 0.",
        "A penny saved is €0.01 earned, minus fees.",
        "Good fortune follows the patient listener. 🍀",
        "The music of the sockets: 𝄞 ♪ ♫",
        "Naïve protocols make for a smörgåsbord of bugs.",
        "猫は箱が好き — the cat likes the box more than the gift.",
    ];
}
