namespace Switchboard.Net.Qt;

/// <summary>Turns a QLocalServer / QLocalSocket name into the Unix socket path Qt uses for it.</summary>
public static class QtLocalSocketPath
{
    /// <summary>
    /// A name with a '/' is a path (absolute, or relative to the current folder); a bare name is placed where
    /// Qt 5 on Unix puts it: in <c>$TMPDIR</c> when set, else the system temp folder (<c>/tmp</c>).
    /// </summary>
    /// <remarks>Qt itself treats only names starting with '/' as paths; a relative path with a '/' is not one Qt
    /// programs can be given, so reading it as a path here loses no compatibility.</remarks>
    public static string Resolve(string nameOrPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        if (nameOrPath.Contains('/', StringComparison.Ordinal))
        {
            return Path.GetFullPath(nameOrPath);
        }

        string? tmp = Environment.GetEnvironmentVariable("TMPDIR");
        string folder = string.IsNullOrEmpty(tmp) ? Path.GetTempPath() : tmp;
        return Path.Combine(Path.GetFullPath(folder), nameOrPath);
    }
}
