namespace Switchboard.Cli.Tests.Infrastructure;

/// <summary>
/// The third-party programs the interop tests run, from Debian packages. A missing one fails the test and names
/// the package to install; it is never skipped.
/// </summary>
public static class Peers
{
    private const string QtExamples = "/usr/lib/x86_64-linux-gnu/qt5/examples";

    public static string Nc => Require("nc", "netcat-openbsd");

    public static string Socat => Require("socat", "socat");

    public static string OpenSsl => Require("openssl", "openssl");

    public static string Ss => Require("/bin/ss", "iproute2");

    public static string Kill => Require("/bin/kill", "procps");

    public static string Microsocks => Require("microsocks", "microsocks");

    public static string Tinyproxy => Require("tinyproxy", "tinyproxy");

    public static string Unshare => Require("unshare", "util-linux");

    public static string Nsenter => Require("nsenter", "util-linux");

    public static string Ip => Require("/bin/ip", "iproute2");

    public static string FortuneServer => Require($"{QtExamples}/network/fortuneserver/fortuneserver", "qtbase5-examples");

    public static string ThreadedFortuneServer => Require($"{QtExamples}/network/threadedfortuneserver/threadedfortuneserver", "qtbase5-examples");

    public static string LocalFortuneServer => Require($"{QtExamples}/corelib/ipc/localfortuneserver/localfortuneserver", "qtbase5-examples");

    public static string FortuneClient => Require($"{QtExamples}/network/fortuneclient/fortuneclient", "qtbase5-examples");

    public static string LocalFortuneClient => Require($"{QtExamples}/corelib/ipc/localfortuneclient/localfortuneclient", "qtbase5-examples");

    /// <summary>Debian's python3, which has PyQt5; the python3 first on PATH may be another one.</summary>
    public static string Python
    {
        get
        {
            var python = Require("/usr/bin/python3", "python3");
            Require("/usr/lib/python3/dist-packages/PyQt5/QtNetwork.abi3.so", "python3-pyqt5");
            return python;
        }
    }

    /// <summary>A PyQt5 example script (Qt 4 style: a quint16 block size before the QString), run with <see cref="Python"/>.</summary>
    public static string PyQtExample(string relativePath) => Require($"/usr/share/doc/pyqt5-examples/examples/{relativePath}", "pyqt5-examples");

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

    /// <summary>Qt's example servers, headless: no display needed.</summary>
    public static Dictionary<string, string> QtEnvironment(string tmpDir) => new()
    {
        ["QT_QPA_PLATFORM"] = "offscreen",
        ["TMPDIR"] = tmpDir,
        ["XDG_RUNTIME_DIR"] = tmpDir,
    };

    /// <summary>A helper script copied to the test output from tests/Switchboard.Cli.Tests/Fortune/scripts.</summary>
    public static string Script(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fortune", "scripts", name);
        Assert.True(File.Exists(path), $"{path} is missing from the test output (it should be copied from tests/Switchboard.Cli.Tests/Fortune/scripts).");
        return path;
    }

    /// <summary>
    /// The full path of <paramref name="program"/>: a name is looked up on PATH, a path must exist. A missing one
    /// fails the test and names its Debian package.
    /// </summary>
    public static string Require(string program, string debianPackage)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            if (File.Exists(program))
            {
                return program;
            }
        }
        else
        {
            foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':'))
            {
                var candidate = Path.Combine(directory, program);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        Assert.Fail($"'{program}' is not installed: install the Debian package '{debianPackage}' (apt-get install -y {debianPackage}); .ci/run does this.");
        return program;
    }
}
