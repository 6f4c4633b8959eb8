namespace Switchboard.Web.Security;

/// <summary>
/// The generated token, written where only this account can read it (mode 600), so serve never has to print it
/// where logs (journald) keep it. The file is made afresh each time: an existing one, or a link planted in its
/// place, would keep its own permissions or lead elsewhere.
/// </summary>
internal static class TokenFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void Write(string path, string token)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (OperatingSystem.IsWindows())
        {
            // A user's profile is private by default there; the Unix modes do not apply.
            Directory.CreateDirectory(directory);
        }
        else
        {
            if (!Directory.Exists(directory))
            {
                Directory.CreateDirectory(directory, OwnerOnly | UnixFileMode.UserExecute);
            }

            options.UnixCreateMode = OwnerOnly;
        }

        File.Delete(path);
        using var stream = new FileStream(path, options);
        stream.Write(System.Text.Encoding.UTF8.GetBytes(token + "\n"));
    }

    /// <summary>Removes the file if it still holds this token (a later console may have replaced it).</summary>
    public static void Remove(string path, string token)
    {
        try
        {
            if (File.Exists(path) && File.ReadAllText(path).Trim() == token)
            {
                File.Delete(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Stopping goes on: the token dies with this process anyway.
        }
    }
}
