using System.Diagnostics;
using System.Text;

namespace Switchboard.Cli.Tests.Fortune.Harness;

/// <summary>
/// An external program run by a test: output captured, every wait bounded, and the whole process tree killed on
/// dispose so nothing outlives the test.
/// </summary>
internal sealed class PeerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _gate = new();

    private PeerProcess(Process process, string description)
    {
        _process = process;
        Description = description;
    }

    public string Description { get; }

    public int Id => _process.Id;

    public string Stdout
    {
        get
        {
            lock (_gate)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public static PeerProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var peer = new PeerProcess(process, $"{Path.GetFileName(fileName)} {string.Join(' ', info.ArgumentList)}");
        process.OutputDataReceived += (_, e) => peer.Append(peer._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => peer.Append(peer._stderr, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peer;
    }

    /// <summary>Waits for the process to end; fails the test with its output if it takes longer than <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{Description} did not exit within {timeout.TotalSeconds} s.\nstdout: {Stdout}\nstderr: {Stderr}");
        }

        return _process.ExitCode;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test with this process's output after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (_process.HasExited)
            {
                Assert.Fail($"{Description} exited with {_process.ExitCode} before {what}.\nstdout: {Stdout}\nstderr: {Stderr}");
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{Description}: no {what} within {timeout.TotalSeconds} s.\nstdout: {Stdout}\nstderr: {Stderr}");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(cts.Token);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or refused to die in time: nothing more a test can do.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            target.Append(line).Append('\n');
        }
    }
}
