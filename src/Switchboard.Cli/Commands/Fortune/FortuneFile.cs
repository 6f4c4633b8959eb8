namespace Switchboard.Cli.Commands.Fortune;

/// <summary>Reads a fortune file: UTF-8, one fortune per line, blank lines ignored.</summary>
internal static class FortuneFile
{
    public static async Task<IReadOnlyList<string>> ReadAsync(FileInfo file, CancellationToken cancellationToken)
    {
        string[] lines = await File.ReadAllLinesAsync(file.FullName, System.Text.Encoding.UTF8, cancellationToken);
        string[] fortunes = lines.Select(l => l.TrimEnd('\r')).Where(l => !string.IsNullOrWhiteSpace(l)).ToArray();
        if (fortunes.Length == 0)
        {
            throw new IOException($"{file.FullName} has no fortunes (one per line, blank lines are ignored)");
        }

        return fortunes;
    }
}
