using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Packaging;

/// <summary>What a user installs: the dotnet tool from `dotnet pack`, and the README's library example.</summary>
public sealed class PackagingTests
{
    private static readonly TimeSpan Slow = TimeSpan.FromMinutes(5);

    /// <summary>The checkout: the folder of Switchboard.sln above the test binaries.</summary>
    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Switchboard.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"no Switchboard.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>Release or Debug: the configuration these tests (and so the CLI next to them) were built in.</summary>
    private static string Configuration() => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    [Fact]
    public async Task The_packed_tool_installs_with_dotnet_tool_install_and_runs_as_switchboard()
    {
        using var work = new TempFolder();
        var packages = Path.Combine(work.Path, "packages");
        var tools = Path.Combine(work.Path, "tools");
        var project = Path.Combine(RepositoryRoot(), "src", "Switchboard.Cli", "Switchboard.Cli.csproj");

        // --no-build: the CLI next to these tests is the one packed, built in the same configuration.
        await using (var pack = ExternalProcess.Start("dotnet", ["pack", project, "-c", Configuration(), "--no-build", "-o", packages], closeInput: true))
        {
            Assert.True(await pack.WaitForExitAsync(Slow) == 0, $"dotnet pack failed:\n{pack.Stdout}\n{pack.Stderr}");
            Assert.DoesNotContain("NU5", pack.Stdout + pack.Stderr, StringComparison.Ordinal);
        }

        var nupkg = Assert.Single(Directory.GetFiles(packages, "Switchboard.Cli.*.nupkg"), f => !f.EndsWith(".snupkg", StringComparison.Ordinal));
        await AssertRepositoryUrlComesFromGitAsync(nupkg);
        await using (var install = ExternalProcess.Start("dotnet", ["tool", "install", "Switchboard.Cli", "--tool-path", tools, "--add-source", packages, "--ignore-failed-sources"], closeInput: true))
        {
            Assert.True(await install.WaitForExitAsync(Slow) == 0, $"dotnet tool install failed:\n{install.Stdout}\n{install.Stderr}");
        }

        var switchboard = Path.Combine(tools, "switchboard");
        Assert.True(File.Exists(switchboard), $"no 'switchboard' command in {tools}");
        await using (var typo = ExternalProcess.Start(switchboard, ["servee"], closeInput: true))
        {
            Assert.Equal(2, await typo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("Did you mean 'serve'?", typo.Stderr, StringComparison.Ordinal);
        }

        // appsettings.json next to the installed binary is read (docs/PROTOCOL.md), from any current directory:
        // a bad value there stops serve before it starts, naming the setting.
        var binaryFolder = Path.GetDirectoryName(Directory.GetFiles(Path.Combine(tools, ".store"), "switchboard.dll", SearchOption.AllDirectories).Single())!;
        File.WriteAllText(Path.Combine(binaryFolder, "appsettings.json"), """{ "Chat": { "MaxConnections": -5 } }""");
        await using (var serve = ExternalProcess.Start(switchboard, ["serve", "--data", Path.Combine(work.Path, "data")], workingDirectory: work.Path, closeInput: true))
        {
            Assert.Equal(2, await serve.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("Chat:MaxConnections must be at least 1, not -5", serve.Stderr, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The nuspec names the repository of the clone's origin remote (SourceLink's PublishRepositoryUrl), and no URL
    /// at all in a clone without one: never an address written by hand that may not exist.
    /// </summary>
    private static async Task AssertRepositoryUrlComesFromGitAsync(string nupkg)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(nupkg);
        using var reader = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var nuspec = await reader.ReadToEndAsync();
        var repository = System.Text.RegularExpressions.Regex.Match(nuspec, "<repository [^>]*/>");
        Assert.True(repository.Success, $"no <repository> (type and commit) in the nuspec:\n{nuspec}");
        Assert.Contains("commit=", repository.Value, StringComparison.Ordinal);
        await using var git = ExternalProcess.Start("git", ["-C", RepositoryRoot(), "remote", "get-url", "origin"], closeInput: true);
        var hasOrigin = await git.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0;
        var url = System.Text.RegularExpressions.Regex.Match(repository.Value, "url=\"([^\"]*)\"");
        if (!hasOrigin)
        {
            Assert.False(url.Success, $"a repository URL with no origin remote to take it from: {repository.Value}");
        }
        else if (url.Success)
        {
            // SourceLink writes a hosted origin (https/ssh, as https); a clone of a local path gets none.
            var origin = git.Stdout.Trim();
            var path = new Uri(url.Groups[1].Value).AbsolutePath.Trim('/');
            Assert.True(path.Length > 0 && origin.Contains(path, StringComparison.OrdinalIgnoreCase), $"the nuspec's repository URL {url.Groups[1].Value} is not the origin remote {origin}");
        }
        Assert.DoesNotContain("<projectUrl>", nuspec, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_readme_library_example_runs()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Switchboard.Samples.Library.dll");
        await using var sample = ExternalProcess.Start("dotnet", [dll, "0"], closeInput: true);
        Assert.True(await sample.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, sample.Stderr);
        var lines = sample.Stdout.Split('\n');
        Assert.Matches(@"^listening on 127\.0\.0\.1:\d+$", lines[0]);
        Assert.Contains("welcome", lines);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^127\.0\.0\.1:\d+: hello$"));
    }
}
