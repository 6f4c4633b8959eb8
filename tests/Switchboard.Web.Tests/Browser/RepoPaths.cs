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

    public static string Screenshot(string name) => Path.Combine(Root, "docs", "screenshots", name);
}
