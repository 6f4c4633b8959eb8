namespace Switchboard.Web.Security;

/// <summary>
/// The directories under which a page may use a Unix socket: the client page to connect, the server page to listen.
/// A path is allowed only strictly below one of them (so "a/../b" is judged where it leads), and never through a
/// symbolic link on the way down, which could lead anywhere.
/// </summary>
/// <param name="directories">The configured directories; none allows nothing.</param>
/// <param name="who">Who uses the sockets, for the refusals: "the client page".</param>
/// <param name="setting">The configuration key that lists the directories, named in the refusals.</param>
internal sealed class UnixDirectories(IEnumerable<string> directories, string who, string setting)
{
    private readonly string[] _directories = [.. directories.Select(d => Path.TrimEndingDirectorySeparator(Path.GetFullPath(d)))];

    /// <summary>The directories, as full paths.</summary>
    public IReadOnlyList<string> All => _directories;

    /// <summary>The full path of <paramref name="path"/> when it is allowed; else null, with the reason for people.</summary>
    public string? Check(string path, out string? refusal)
    {
        refusal = null;
        if (_directories.Length == 0)
        {
            refusal = $"{who} may not use Unix sockets here (allow directories with {setting})";
            return null;
        }

        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (ArgumentException)
        {
            refusal = $"'{path}' is not a path";
            return null;
        }

        foreach (var directory in _directories)
        {
            if (!full.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue;
            }

            var current = directory;
            foreach (var part in Path.GetRelativePath(directory, full).Split(Path.DirectorySeparatorChar))
            {
                current = Path.Combine(current, part);
                if (new FileInfo(current).LinkTarget is not null)
                {
                    refusal = $"{current} is a symbolic link: {who} uses sockets only by their real path";
                    return null;
                }
            }

            return full;
        }

        refusal = $"{full} is not under a directory {who} may use ({string.Join(", ", _directories)}; see {setting})";
        return null;
    }
}
