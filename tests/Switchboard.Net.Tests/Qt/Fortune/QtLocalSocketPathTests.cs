using Switchboard.Net.Qt;

namespace Switchboard.Net.Tests.Qt.Fortune;

public sealed class QtLocalSocketPathTests
{
    [Fact]
    public void A_bare_name_goes_in_the_temp_folder_and_a_path_stays_a_path()
    {
        string tmp = Environment.GetEnvironmentVariable("TMPDIR") is { Length: > 0 } t ? t : Path.GetTempPath();
        Assert.Equal(Path.Combine(Path.GetFullPath(tmp), "fortune"), QtLocalSocketPath.Resolve("fortune"));
        Assert.Equal("/run/x/sock", QtLocalSocketPath.Resolve("/run/x/sock"));
        Assert.Equal(Path.GetFullPath("sub/sock"), QtLocalSocketPath.Resolve("./sub/sock"));
    }
}
