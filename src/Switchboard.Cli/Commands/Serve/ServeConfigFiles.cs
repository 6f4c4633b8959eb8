using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace Switchboard.Cli.Commands.Serve;

/// <summary>
/// The settings files of serve, in the order docs/PROTOCOL.md gives (lowest first): appsettings.json next to the
/// binary, appsettings.json in the current directory, the file of --config; then SWITCHBOARD_* variables and
/// the command line win over all of them.
/// </summary>
internal static class ServeConfigFiles
{
    public static void Add(ConfigurationManager configuration, string? explicitFile)
    {
        var sources = configuration.Sources;
        var firstJson = sources.Select((source, index) => (source, index)).FirstOrDefault(s => s.source is JsonConfigurationSource).index;
        var binaryFolder = AppContext.BaseDirectory;
        if (!SameFolder(binaryFolder, Directory.GetCurrentDirectory()))
        {
            // Below the current directory's file, which the web host builder has already added.
            sources.Insert(firstJson, JsonFile(binaryFolder, "appsettings.json", optional: true));
        }

        if (explicitFile is not null)
        {
            var path = Path.GetFullPath(explicitFile);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"--config: no file at {path}");
            }

            var lastJson = sources.Select((source, index) => (source, index)).LastOrDefault(s => s.source is JsonConfigurationSource).index;
            sources.Insert(lastJson + 1, JsonFile(Path.GetDirectoryName(path)!, Path.GetFileName(path), optional: false));
        }
    }

    private static JsonConfigurationSource JsonFile(string folder, string name, bool optional)
    {
        var source = new JsonConfigurationSource { Path = name, Optional = optional, ReloadOnChange = false, FileProvider = new PhysicalFileProvider(folder) };
        return source;
    }

    private static bool SameFolder(string a, string b) =>
        string.Equals(Path.GetFullPath(a).TrimEnd(Path.DirectorySeparatorChar), Path.GetFullPath(b).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal);
}
