using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Switchboard.Cli.Tests.Infrastructure;

/// <summary>
/// A child process with its output collected line by line, killed (with its children) on dispose. Every wait
/// has a timeout, so a peer that speaks the wrong protocol fails the test instead of hanging it.
/// </summary>
public sealed class ExternalProcess : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly MemoryStream _stdoutBytes = new();
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;

    private ExternalProcess(Process process)
    {
        _process = process;
        _stdoutPump = PumpAsync(process.StandardOutput.BaseStream, _stdout, _stdoutBytes);
        _stderrPump = PumpAsync(process.StandardError.BaseStream, _stderr, null);
    }

    /// <summary>
    /// Starts a program; <paramref name="closeInput"/> gives it an empty stdin (end of file at once). An empty value
    /// in <paramref name="environment"/> removes that variable.
    /// </summary>
    public static ExternalProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, bool closeInput = false)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["NO_COLOR"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            // An empty value removes the variable (NO_COLOR is set by default, and NO_COLOR= still counts as set).
            if (value.Length == 0)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        var process = new ExternalProcess(Process.Start(info) ?? throw new InvalidOperationException($"cannot start {fileName}"));
        if (closeInput)
        {
            process.CloseInput();
        }

        return process;
    }

    /// <summary>The program and its arguments, for failure messages.</summary>
    public string Description => $"{Path.GetFileName(_process.StartInfo.FileName)} {string.Join(' ', _process.StartInfo.ArgumentList)}";

    public int Id => _process.Id;

    public Stream StandardInput => _process.StandardInput.BaseStream;

    public bool HasExited => _process.HasExited;

    public string Stdout { get { lock (_stdout) { return string.Join('\n', _stdout); } } }

    public string Stderr { get { lock (_stderr) { return string.Join('\n', _stderr); } } }

    public byte[] StdoutBytes { get { lock (_stdoutBytes) { return _stdoutBytes.ToArray(); } } }

    public async Task WriteLineAsync(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        await StandardInput.WriteAsync(bytes);
        await StandardInput.FlushAsync();
    }

    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Waits for a line on stdout or stderr matching the pattern and returns the match.</summary>
    public async Task<Match> WaitForLineAsync(string pattern, bool stderr = false, TimeSpan? timeout = null)
    {
        var regex = new Regex(pattern);
        var lines = stderr ? _stderr : _stdout;
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            lock (lines)
            {
                foreach (var line in lines)
                {
                    var match = regex.Match(line);
                    if (match.Success)
                    {
                        return match;
                    }
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"no line matching /{pattern}/ on {(stderr ? "stderr" : "stdout")} of {_process.StartInfo.FileName} within {(timeout ?? DefaultTimeout).TotalSeconds} s.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
            }

            if (_process.HasExited)
            {
                await ReadToEndAsync();
                lock (lines)
                {
                    var match = lines.Select(l => regex.Match(l)).FirstOrDefault(m => m.Success);
                    if (match is not null)
                    {
                        return match;
                    }
                }

                Assert.Fail($"{_process.StartInfo.FileName} exited ({_process.ExitCode}) without a line matching /{pattern}/.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test with this process's output if the process exits first or after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (_process.HasExited)
            {
                Assert.Fail($"{Description} exited with {_process.ExitCode} before {what}.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{Description}: no {what} within {timeout.TotalSeconds} s.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Waits for the process to exit and returns its exit code; fails the test on timeout.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{_process.StartInfo.FileName} did not exit within {(timeout ?? DefaultTimeout).TotalSeconds} s.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }

        await ReadToEndAsync();
        return _process.ExitCode;
    }

    public void Signal(int signal) => Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit(5000);

    /// <summary>Resident memory of the process, from /proc.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
        }

        _process.Dispose();
    }

    /// <summary>
    /// Waits (bounded) for the output of an exited process to be read to the end: the exit can be noticed before the
    /// last lines are. A grandchild that inherited stdout (a D-Bus helper, say) can keep the pipe open after the
    /// process itself is gone; then the output so far is all there is.
    /// </summary>
    private async Task ReadToEndAsync()
    {
        try
        {
            await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }
    }

    private static async Task PumpAsync(Stream stream, List<string> lines, MemoryStream? raw)
    {
        var buffer = new byte[16 * 1024];
        var pending = new List<byte>();
        while (true)
        {
            int read;
            try
            {
                read = await stream.ReadAsync(buffer);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                read = 0;
            }

            if (read == 0)
            {
                if (pending.Count > 0)
                {
                    lock (lines)
                    {
                        lines.Add(Encoding.UTF8.GetString(pending.ToArray()));
                    }
                }

                return;
            }

            if (raw is not null)
            {
                lock (raw)
                {
                    raw.Write(buffer, 0, read);
                }
            }

            for (var i = 0; i < read; i++)
            {
                if (buffer[i] == (byte)'\n')
                {
                    var line = Encoding.UTF8.GetString(pending.ToArray()).TrimEnd('\r');
                    pending.Clear();
                    lock (lines)
                    {
                        lines.Add(line);
                    }
                }
                else
                {
                    pending.Add(buffer[i]);
                }
            }
        }
    }
}
