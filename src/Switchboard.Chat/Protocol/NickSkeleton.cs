using System.Text;

namespace Switchboard.Chat;

/// <summary>
/// Nick uniqueness by look rather than by spelling, after Unicode's confusable skeletons (UTS #39): two nicks whose
/// skeletons match are the same nick, so <c>aIice</c> (capital i) cannot sit beside <c>alice</c>, nor
/// <c>rnallory</c> beside <c>mallory</c>. The skeleton folds fullwidth forms, maps the Cyrillic
/// and Greek letters that look Latin to those Latin letters, lowercases, then folds the classes that look alike in
/// common fonts: i, l, 1, | and ! to one; 0 and o to one; the sequences rn, vv and cl to m, w and d. Built in,
/// a subset of Unicode's confusables.txt: nicks are ASCII today (<see cref="ChatNames.IsValidNick"/>), and the
/// Cyrillic and Greek part keeps the rule when other ways in allow more. The classes include both cases, so nicks
/// equal ignoring case also have equal skeletons, and the skeleton can be a dictionary's key.
/// </summary>
internal static class NickSkeleton
{
    /// <summary>Compares nicks by skeleton: for dictionaries of nicks.</summary>
    public static IEqualityComparer<string> Comparer { get; } = new SkeletonComparer();

    // Cyrillic and Greek letters that render as Latin ones; lowercased afterwards.
    private static readonly Dictionary<char, char> s_homoglyphs = new()
    {
        // Cyrillic lower: а е о р с х у і ј ԁ ѕ һ ԛ ԝ ӏ
        ['\u0430'] = 'a', ['\u0435'] = 'e', ['\u043E'] = 'o', ['\u0440'] = 'p', ['\u0441'] = 'c', ['\u0445'] = 'x',
        ['\u0443'] = 'y', ['\u0456'] = 'i', ['\u0458'] = 'j', ['\u0501'] = 'd', ['\u0455'] = 's', ['\u04BB'] = 'h',
        ['\u051B'] = 'q', ['\u051D'] = 'w', ['\u04CF'] = 'l',

        // Cyrillic upper: А В Е К М Н О Р С Т Х І Ј Ѕ У
        ['\u0410'] = 'a', ['\u0412'] = 'b', ['\u0415'] = 'e', ['\u041A'] = 'k', ['\u041C'] = 'm', ['\u041D'] = 'h',
        ['\u041E'] = 'o', ['\u0420'] = 'p', ['\u0421'] = 'c', ['\u0422'] = 't', ['\u0425'] = 'x', ['\u0406'] = 'i',
        ['\u0408'] = 'j', ['\u0405'] = 's', ['\u04AE'] = 'y',

        // Greek lower: α ο ν ρ ι κ υ
        ['\u03B1'] = 'a', ['\u03BF'] = 'o', ['\u03BD'] = 'v', ['\u03C1'] = 'p', ['\u03B9'] = 'i', ['\u03BA'] = 'k',
        ['\u03C5'] = 'u',

        // Greek upper: Α Β Ε Ζ Η Ι Κ Μ Ν Ο Ρ Τ Υ Χ
        ['\u0391'] = 'a', ['\u0392'] = 'b', ['\u0395'] = 'e', ['\u0396'] = 'z', ['\u0397'] = 'h', ['\u0399'] = 'i',
        ['\u039A'] = 'k', ['\u039C'] = 'm', ['\u039D'] = 'n', ['\u039F'] = 'o', ['\u03A1'] = 'p', ['\u03A4'] = 't',
        ['\u03A5'] = 'y', ['\u03A7'] = 'x',
    };

    /// <summary>The skeleton of a nick: equal skeletons mean nicks that look alike.</summary>
    public static string Of(string nick)
    {
        // A web user's "frank@web" is frank: one namespace for every way in.
        nick = ChatNames.WithoutWebTag(nick);
        var builder = new StringBuilder(nick.Length);
        foreach (var c in nick)
        {
            // Fullwidth forms (U+FF01-U+FF5E) by hand: the invariant globalization mode does not normalise them.
            var ascii = c is >= '\uFF01' and <= '\uFF5E' ? (char)(c - 0xFEE0) : c;
            var latin = s_homoglyphs.TryGetValue(ascii, out var mapped) ? mapped : char.ToLowerInvariant(ascii);
            builder.Append(latin switch
            {
                'i' or '1' or '|' or '!' => 'l',
                '0' => 'o',
                _ => latin,
            });
        }

        // After the single letters, so "rn" written with a Cyrillic or fullwidth letter folds too.
        return builder.Replace("rn", "m").Replace("vv", "w").Replace("cl", "d").ToString();
    }

    private sealed class SkeletonComparer : IEqualityComparer<string>
    {
        public bool Equals(string? x, string? y) => ReferenceEquals(x, y) || (x is not null && y is not null && string.Equals(Of(x), Of(y), StringComparison.Ordinal));

        public int GetHashCode(string nick) => string.GetHashCode(Of(nick), StringComparison.Ordinal);
    }
}
