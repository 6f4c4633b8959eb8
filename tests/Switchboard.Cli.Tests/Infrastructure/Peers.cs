namespace Switchboard.Cli.Tests.Infrastructure;

/// <summary>Third-party programs the interop tests run. A missing one fails the test and names its package.</summary>
public static class Peers
{
    public static string Require(string program, string debianPackage)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':'))
        {
            var candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail($"'{program}' is not installed: install the Debian package '{debianPackage}' (apt-get install -y {debianPackage}); .ci/run does this.");
        return program;
    }

    public static string Nc => Require("nc", "netcat-openbsd");

    public static string Socat => Require("socat", "socat");

    public static string OpenSsl => Require("openssl", "openssl");
}
