using System.Diagnostics;
using System.Text;

namespace Switchboard.Chat.Tests.Infrastructure;

/// <summary>
/// A child process with stdin piped and stdout/stderr collected line by line. Disposing kills it (and its
/// children), so no test leaves a process behind.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly StringBuilder _stdoutPending = new();
    private readonly List<string> _stderr = [];
    private readonly Lock _gate = new();
    private Task _stdoutPump = Task.CompletedTask;

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Stdout split into lines at LF, CR or CRLF, as a terminal would show them. The last element is the line still
    /// being written, if any: an interactive prompt stays open (no line end) while the user types, and what is on
    /// it must be visible too.
    /// </summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_gate)
            {
                return _stdoutPending.Length == 0 ? [.. _stdout] : [.. _stdout, _stdoutPending.ToString()];
            }
        }
    }

    /// <summary>Every stderr line so far (<see cref="Errors"/> keeps the last 40, for failure messages).</summary>
    public IReadOnlyList<string> ErrorLines
    {
        get
        {
            lock (_gate)
            {
                return [.. _stderr];
            }
        }
    }

    public string Errors
    {
        get
        {
            lock (_gate)
            {
                return string.Join("\n", _stderr.TakeLast(40));
            }
        }
    }

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["NO_COLOR"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (child._gate)
                {
                    child._stderr.Add(e.Data);
                }
            }
        };
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start {fileName}");
        }

        child._stdoutPump = child.PumpStdoutAsync();
        process.BeginErrorReadLine();
        return child;
    }

    private async Task PumpStdoutAsync()
    {
        var reader = _process.StandardOutput;
        var buffer = new char[4096];
        var lastWasCr = false;
        while (true)
        {
            int read;
            try
            {
                read = await reader.ReadAsync(buffer);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                read = 0;
            }

            lock (_gate)
            {
                if (read == 0)
                {
                    if (_stdoutPending.Length > 0)
                    {
                        _stdout.Add(_stdoutPending.ToString());
                        _stdoutPending.Clear();
                    }

                    return;
                }

                foreach (var c in buffer.AsSpan(0, read))
                {
                    if (c == '\n' && lastWasCr)
                    {
                        // The LF of a CRLF: the line already ended at the CR.
                    }
                    else if (c is '\r' or '\n')
                    {
                        _stdout.Add(_stdoutPending.ToString());
                        _stdoutPending.Clear();
                    }
                    else
                    {
                        _stdoutPending.Append(c);
                    }

                    lastWasCr = c == '\r';
                }
            }
        }
    }

    /// <summary>Waits (bounded) for stdout to be read to its end once the process has exited.</summary>
    private async Task ReadToEndAsync()
    {
        try
        {
            await _stdoutPump.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // A grandchild holds the pipe open; the output so far is all there is.
        }
    }

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteAsync(line + "\n");
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Writes text as typed, without a line end.</summary>
    public async Task WriteRawAsync(string text)
    {
        await _process.StandardInput.WriteAsync(text);
        await _process.StandardInput.FlushAsync();
    }

    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Waits for a stderr line matching <paramref name="match"/> (where every command prints "listening on").</summary>
    public Task<string> WaitForErrorAsync(Func<string, bool> match, TimeSpan timeout, string what) =>
        WaitForLineAsync(() => { lock (_gate) { return [.. _stderr]; } }, match, timeout, what);

    /// <summary>Waits for a stdout line matching <paramref name="match"/>; fails with the output so far.</summary>
    public Task<string> WaitForOutputAsync(Func<string, bool> match, TimeSpan timeout, string what) =>
        WaitForLineAsync(() => Output, match, timeout, what);

    private async Task<string> WaitForLineAsync(Func<IReadOnlyList<string>> lines, Func<string, bool> match, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var found = lines().FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                await Task.Delay(100);
                found = lines().FirstOrDefault(match);
                if (found is not null)
                {
                    return found;
                }

                throw new TimeoutException($"{what}: not seen within {timeout.TotalSeconds} s (exited: {_process.HasExited}).\nstdout:\n  {string.Join("\n  ", Output.TakeLast(30))}\nstderr:\n  {Errors}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Waits for the process to exit and its output to be read to the end; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        await ReadToEndAsync();
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: the process gets no chance to flush or clean up.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM, then waits for a clean exit; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            Posix.Terminate(_process.Id);
        }

        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        await ReadToEndAsync();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}

internal static class Posix
{
    /// <summary>Sends SIGTERM through kill(1), as a service manager would.</summary>
    public static void Terminate(int pid)
    {
        using var kill = Process.Start("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (!kill.WaitForExit(10_000) || kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -TERM {pid} failed");
        }
    }
}
