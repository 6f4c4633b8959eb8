using System.Diagnostics;

namespace Switchboard.Cli.Tests.Infrastructure;

/// <summary>
/// A client CA, a client certificate it issued and a stranger's certificate it did not, made with the real openssl
/// once per test run, as a user would make them.
/// </summary>
public static class ClientCertificates
{
    private static readonly Lazy<Files> s_files = new(Create);

    /// <summary>The CA that --client-ca trusts.</summary>
    public static string CaPem => s_files.Value.Ca;

    /// <summary>A client certificate (CN=alice) issued by <see cref="CaPem"/>, and its key.</summary>
    public static (string Cert, string Key) Alice => (s_files.Value.AliceCert, s_files.Value.AliceKey);

    /// <summary>A self-signed client certificate (CN=mallory) that no CA here issued, and its key.</summary>
    public static (string Cert, string Key) Mallory => (s_files.Value.MalloryCert, s_files.Value.MalloryKey);

    private sealed record Files(string Ca, string AliceCert, string AliceKey, string MalloryCert, string MalloryKey);

    private static Files Create()
    {
        var directory = Directory.CreateTempSubdirectory("sb-client-ca-").FullName;
        string P(string name) => Path.Combine(directory, name);
        Run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", P("ca.key"), "-out", P("ca.pem"), "-days", "3", "-subj", "/CN=Switchboard Test Client CA");
        Run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", P("alice.key"), "-out", P("alice.csr"), "-subj", "/CN=alice");
        Run("x509", "-req", "-in", P("alice.csr"), "-CA", P("ca.pem"), "-CAkey", P("ca.key"), "-CAcreateserial", "-out", P("alice.pem"), "-days", "3");
        Run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", P("mallory.key"), "-out", P("mallory.pem"), "-days", "3", "-subj", "/CN=mallory");
        return new Files(P("ca.pem"), P("alice.pem"), P("alice.key"), P("mallory.pem"), P("mallory.key"));
    }

    private static void Run(params string[] arguments)
    {
        var info = new ProcessStartInfo(Peers.OpenSsl) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(30_000), $"openssl {arguments[0]} did not finish");
        Assert.True(process.ExitCode == 0, $"openssl {string.Join(' ', arguments)} failed: {stderr.Result}");
    }
}
