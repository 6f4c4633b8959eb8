namespace Switchboard.Cli.Tests.Fortune.Harness;

/// <summary>
/// The third-party programs the interop tests run, from Debian packages. A missing one fails the test and names
/// the package to install; it is never skipped.
/// </summary>
internal static class Peers
{
    private const string QtExamples = "/usr/lib/x86_64-linux-gnu/qt5/examples";

    public static string FortuneServer => Require($"{QtExamples}/network/fortuneserver/fortuneserver", "qtbase5-examples");

    public static string ThreadedFortuneServer => Require($"{QtExamples}/network/threadedfortuneserver/threadedfortuneserver", "qtbase5-examples");

    public static string LocalFortuneServer => Require($"{QtExamples}/corelib/ipc/localfortuneserver/localfortuneserver", "qtbase5-examples");

    /// <summary>Debian's python3, which has PyQt5; the python3 first on PATH may be another one.</summary>
    public static string Python
    {
        get
        {
            string python = Require("/usr/bin/python3", "python3");
            Require("/usr/lib/python3/dist-packages/PyQt5/QtNetwork.abi3.so", "python3-pyqt5");
            return python;
        }
    }

    public static string FortuneClient => Require($"{QtExamples}/network/fortuneclient/fortuneclient", "qtbase5-examples");

    public static string LocalFortuneClient => Require($"{QtExamples}/corelib/ipc/localfortuneclient/localfortuneclient", "qtbase5-examples");

    public static string Xvfb => Require("/usr/bin/Xvfb", "xvfb");

    /// <summary>A private D-Bus session, for the accessibility bus that lets a test read and drive Qt's widgets.</summary>
    public static string DbusRunSession
    {
        get
        {
            Require("/usr/libexec/at-spi-bus-launcher", "at-spi2-core");
            Require("/usr/lib/python3/dist-packages/pyatspi/__init__.py", "python3-pyatspi");
            return Require("/usr/bin/dbus-run-session", "dbus-daemon");
        }
    }

    public static string Ss => Require("/bin/ss", "iproute2");

    public static string Kill => Require("/bin/kill", "procps");

    public static string Script(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fortune", "scripts", name);
        Assert.True(File.Exists(path), $"{path} is missing from the test output (it should be copied from tests/Switchboard.Cli.Tests/Fortune/scripts).");
        return path;
    }

    /// <summary>Qt's example servers, headless: no display needed.</summary>
    public static Dictionary<string, string> QtEnvironment(string tmpDir) => new()
    {
        ["QT_QPA_PLATFORM"] = "offscreen",
        ["TMPDIR"] = tmpDir,
        ["XDG_RUNTIME_DIR"] = tmpDir,
    };

    private static string Require(string path, string package)
    {
        if (!File.Exists(path))
        {
            Assert.Fail($"{path} is missing: install the Debian package {package} (apt-get install -y {package}).");
        }

        return path;
    }
}
