namespace Switchboard.Web.Tests.Browser;

internal static class RepoPaths
{
    /// <summary>
    /// Where a test saves a screenshot: the test output folder, so a run leaves the work tree clean. The pictures
    /// in docs/screenshots have one maker, scripts/screenshots.sh.
    /// </summary>
    public static string Screenshot(string name) => Path.Combine(AppContext.BaseDirectory, "screenshots", name);
}
