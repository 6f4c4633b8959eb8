using System.Diagnostics;

using Switchboard.Cli.Tests.Infrastructure;

namespace Switchboard.Cli.Tests.Fortune.Harness;

/// <summary>One of Qt's example fortune servers, running headless with a private TMPDIR.</summary>
internal sealed class QtServer : IAsyncDisposable
{
    private readonly TempFolder _tmp;

    private QtServer(ExternalProcess process, TempFolder tmp)
    {
        Process = process;
        _tmp = tmp;
    }

    public ExternalProcess Process { get; }

    public int Port { get; private set; }

    /// <summary>The local server's socket: "fortune" in its TMPDIR.</summary>
    public string SocketPath => Path.Combine(_tmp.Path, "fortune");

    public string TmpDir => _tmp.Path;

    /// <summary>Starts a TCP example server (it listens on a random port on all interfaces) and learns its port.</summary>
    public static async Task<QtServer> StartTcpAsync(string program, params string[] arguments)
    {
        var tmp = new TempFolder();
        var server = new QtServer(ExternalProcess.Start(program, arguments, Peers.QtEnvironment(tmp.Path), closeInput: true), tmp);
        try
        {
            string ss = Peers.Ss;
            await server.Process.WaitUntilAsync(() => (server.Port = ListeningPort(ss, server.Process.Id)) > 0, TimeSpan.FromSeconds(30), "listening TCP port");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts Qt's local fortune server and waits for its socket file.</summary>
    public static async Task<QtServer> StartLocalAsync(string program, params string[] arguments)
    {
        var tmp = new TempFolder();

        // The server hangs at start when an old socket file is in the way: the folder is new, but be explicit.
        File.Delete(Path.Combine(tmp.Path, "fortune"));
        var server = new QtServer(ExternalProcess.Start(program, arguments, Peers.QtEnvironment(tmp.Path), closeInput: true), tmp);
        try
        {
            await server.Process.WaitUntilAsync(() => File.Exists(server.SocketPath), TimeSpan.FromSeconds(30), "socket file");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        _tmp.Dispose();
    }

    /// <summary>The TCP port the process listens on, from <c>ss -Hltnp</c>; 0 while it has none.</summary>
    private static int ListeningPort(string ss, int pid)
    {
        var info = new ProcessStartInfo(ss, ["-Hltnp"]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = System.Diagnostics.Process.Start(info)!;
        Task<string> read = process.StandardOutput.ReadToEndAsync();
        if (!read.Wait(TimeSpan.FromSeconds(10)) || !process.WaitForExit(10_000))
        {
            process.Kill();
            return 0;
        }

        string output = read.Result;

        foreach (string line in output.Split('\n'))
        {
            if (line.Contains($"pid={pid},", StringComparison.Ordinal))
            {
                // Columns: State Recv-Q Send-Q Local:Port Peer:Port Process
                string local = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];
                return int.Parse(local[(local.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
