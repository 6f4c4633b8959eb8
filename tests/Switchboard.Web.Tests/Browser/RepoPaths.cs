namespace Switchboard.Web.Tests.Browser;

internal static class RepoPaths
{
    /// <summary>The repository root (where Switchboard.sln is), found from the test's output folder.</summary>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Switchboard.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Switchboard.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>
    /// Where a test saves a screenshot: docs/screenshots when SWITCHBOARD_UPDATE_SCREENSHOTS=1 (to refresh the
    /// pictures in the docs), else the test output folder, so an ordinary run leaves the work tree clean.
    /// </summary>
    public static string Screenshot(string name)
        => Environment.GetEnvironmentVariable("SWITCHBOARD_UPDATE_SCREENSHOTS") == "1"
            ? Path.Combine(Root, "docs", "screenshots", name)
            : Path.Combine(AppContext.BaseDirectory, "screenshots", name);
}
