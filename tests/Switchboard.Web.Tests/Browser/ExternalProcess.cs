using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Switchboard.Web.Tests.Browser;

/// <summary>
/// A peer program (nc, the switchboard CLI) with its stdin, stdout and stderr captured. Killed (its own pid only)
/// when disposed.
/// </summary>
internal sealed class ExternalProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ExternalProcess(Process process) => _process = process;

    public static ExternalProcess Start(string file, params string[] args) => Start(file, new Dictionary<string, string>(), args);

    public static ExternalProcess Start(string file, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var wrapper = new ExternalProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                wrapper._stdoutClosed.TrySetResult();
                return;
            }

            lock (wrapper._stdout)
            {
                wrapper._stdout.AppendLine(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (wrapper._stderr)
                {
                    wrapper._stderr.AppendLine(e.Data);
                }
            }
        };
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start {file}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return wrapper;
    }

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Waits for the process to end by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    /// <summary>Completes when the program's stdout reaches end of file (for nc: the connection ended).</summary>
    public Task StdoutClosed => _stdoutClosed.Task;

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteAsync(line + "\n");
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>
    /// Writes <paramref name="line"/> every 300 ms until the process exits or <paramref name="timeout"/> passes;
    /// returns whether it exited. Debian's nc keeps running after the server closes while its stdin is open; its
    /// next write then meets the closed connection and it exits. A connection still up just carries the line.
    /// </summary>
    public async Task<bool> WriteUntilExitAsync(string line, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!_process.HasExited && DateTime.UtcNow < deadline)
        {
            try
            {
                await WriteLineAsync(line);
            }
            catch (IOException)
            {
            }

            await Task.Delay(300);
        }

        return _process.HasExited;
    }

    public async Task<string> WaitForStdoutAsync(string contains, TimeSpan timeout)
        => await WaitForAsync(() => Stdout, contains, timeout, "stdout");

    public Task<Match> WaitForStderrAsync(Regex pattern, TimeSpan timeout) => WaitForMatchAsync(() => Stderr, pattern, timeout, "stderr");

    public Task<Match> WaitForStdoutMatchAsync(Regex pattern, TimeSpan timeout) => WaitForMatchAsync(() => Stdout, pattern, timeout, "stdout");

    private async Task<Match> WaitForMatchAsync(Func<string> read, Regex pattern, TimeSpan timeout, string stream)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var match = pattern.Match(read());
            if (match.Success)
            {
                return match;
            }

            if (_process.HasExited)
            {
                // The exit can be seen before the last lines are delivered: read to the end (bounded), look once more.
                try
                {
                    await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
                }
                catch (TimeoutException)
                {
                }

                match = pattern.Match(read());
                if (match.Success)
                {
                    return match;
                }

                break;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"{_process.StartInfo.FileName}: no {stream} match for {pattern} (exited: {_process.HasExited}). stderr:\n{Stderr}\nstdout:\n{Stdout}");
    }

    private async Task<string> WaitForAsync(Func<string> read, string contains, TimeSpan timeout, string stream)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var text = read();
            if (text.Contains(contains, StringComparison.Ordinal))
            {
                return text;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"{_process.StartInfo.FileName}: '{contains}' never appeared on {stream}. stdout:\n{Stdout}\nstderr:\n{Stderr}");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                // The whole tree: a command run under script(1) is a child of it.
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}
