using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Cli.Commands.Fortune;

/// <summary>
/// The last fortune <c>fortune get --new</c> printed for one server, kept between runs as Qt's client keeps the
/// fortune on its label: in $XDG_STATE_HOME/switchboard/fortune (~/.local/state when unset), one file per server.
/// </summary>
internal sealed class LastFortuneFile(string server)
{
    private readonly string _path = Path.Combine(StateFolder(), $"last-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(server)))[..16]}.txt");

    /// <summary>The fortune printed last time, or null when there is none (or it cannot be read: then any fortune is new).</summary>
    public string? Read()
    {
        try
        {
            return File.Exists(_path) ? File.ReadAllText(_path, Encoding.UTF8) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Remembers <paramref name="fortune"/>; a state folder that cannot be written only costs the next run its memory.</summary>
    public string? Write(string fortune)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            File.WriteAllText(_path, fortune, new UTF8Encoding(false));
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"cannot remember the fortune in {_path}: {ex.Message}";
        }
    }

    private static string StateFolder()
    {
        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        if (string.IsNullOrEmpty(state) || !Path.IsPathRooted(state))
        {
            state = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        }

        return Path.Combine(state, "switchboard", "fortune");
    }
}
