using System.Text;
using System.Threading.Channels;
using Switchboard.Cli.Infrastructure;

namespace Switchboard.Cli.Commands.Chat;

/// <summary>The connection states the status indicator shows.</summary>
internal enum LinkState
{
    Connecting,
    Connected,
    Waiting,
    Closed,
}

/// <summary>Where the chat client reads lines and shows messages: a live terminal, or redirected stdin/stdout.</summary>
internal abstract class ChatTerminal : IDisposable
{
    private readonly Channel<string?> _lines = Channel.CreateUnbounded<string?>(new UnboundedChannelOptions { SingleReader = true });

    protected ChatTerminal(bool color) => Color = color;

    /// <summary>Whether ANSI colours are on: off when output is redirected or NO_COLOR is set.</summary>
    public bool Color { get; }

    /// <summary>Picks the interactive terminal when both stdin and stdout are a terminal.</summary>
    public static ChatTerminal Create()
    {
        var color = !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        return Console.IsInputRedirected || Console.IsOutputRedirected ? new PlainTerminal(color) : new InteractiveTerminal(color);
    }

    /// <summary>The next line typed; null at end of input.</summary>
    public ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => _lines.Reader.ReadAsync(cancellationToken);

    /// <summary>Shows one line of output without disturbing the line being typed.</summary>
    public abstract void WriteLine(string text);

    /// <summary>Updates the status indicator (its text may hold the nick and room the server named: it is escaped).</summary>
    public void SetStatus(LinkState state, string text) => ShowStatus(state, TerminalText.Escape(text));

    protected abstract void ShowStatus(LinkState state, string text);

    public virtual void Dispose()
    {
    }

    protected void Submit(string? line) => _lines.Writer.TryWrite(line);
}

/// <summary>Redirected input or output: plain lines in, plain lines out, status changes as "***" lines.</summary>
internal sealed class PlainTerminal : ChatTerminal
{
    private readonly Lock _gate = new();

    public PlainTerminal(bool color)
        : base(color)
    {
        var thread = new Thread(() =>
        {
            // Console.In blocks; a background thread keeps the client responsive and ends with the process.
            while (Console.In.ReadLine() is { } line)
            {
                Submit(line);
            }

            Submit(null);
        })
        { IsBackground = true, Name = "stdin" };
        thread.Start();
    }

    public override void WriteLine(string text)
    {
        lock (_gate)
        {
            Console.Out.Write(text + "\n");
            Console.Out.Flush();
        }
    }

    private string? _lastStatus;

    protected override void ShowStatus(LinkState state, string text)
    {
        // Without a status line, each change is a line of its own; repeats would only be noise.
        if (Interlocked.Exchange(ref _lastStatus, text) != text)
        {
            WriteLine(Ansi.Paint(Color, Ansi.Dim, $"*** {text}"));
        }
    }
}

/// <summary>
/// A live terminal: the bottom line is the status and the line being typed; output is written above it by
/// clearing that line, printing, and drawing it again, so incoming messages never garble the input.
/// </summary>
internal sealed class InteractiveTerminal : ChatTerminal
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _input = new();
    private string _status = "starting";
    private LinkState _state = LinkState.Connecting;

    public InteractiveTerminal(bool color)
        : base(color)
    {
        Console.TreatControlCAsInput = true;
        var thread = new Thread(ReadKeys) { IsBackground = true, Name = "keyboard" };
        thread.Start();
    }

    public override void WriteLine(string text)
    {
        lock (_gate)
        {
            Console.Out.Write("\r\u001b[2K" + text + "\n" + Prompt());
            Console.Out.Flush();
        }
    }

    protected override void ShowStatus(LinkState state, string text)
    {
        lock (_gate)
        {
            _state = state;
            _status = text;
            Redraw();
        }
    }

    public override void Dispose()
    {
        lock (_gate)
        {
            Console.Out.Write("\r\u001b[2K");
            Console.Out.Flush();
        }
    }

    private void ReadKeys()
    {
        while (true)
        {
            ConsoleKeyInfo key;
            try
            {
                key = Console.ReadKey(intercept: true);
            }
            catch (InvalidOperationException)
            {
                Submit(null);
                return;
            }

            lock (_gate)
            {
                if (key.Key == ConsoleKey.Enter)
                {
                    var line = _input.ToString();
                    _input.Clear();
                    Redraw();
                    Submit(line);
                }
                else if (key.Key == ConsoleKey.Backspace)
                {
                    if (_input.Length > 0)
                    {
                        _input.Length--;
                    }
                }
                else if ((key.Modifiers & ConsoleModifiers.Control) != 0 && key.Key is ConsoleKey.C or ConsoleKey.D)
                {
                    if (key.Key == ConsoleKey.C || _input.Length == 0)
                    {
                        Submit(null);
                        return;
                    }
                }
                else if ((key.Modifiers & ConsoleModifiers.Control) != 0 && key.Key == ConsoleKey.U)
                {
                    _input.Clear();
                }
                else if (key.KeyChar != '\0' && !char.IsControl(key.KeyChar))
                {
                    _input.Append(key.KeyChar);
                }

                Redraw();
            }
        }
    }

    private void Redraw()
    {
        Console.Out.Write("\r\u001b[2K" + Prompt());
        Console.Out.Flush();
    }

    private string Prompt()
    {
        var colour = _state switch
        {
            LinkState.Connected => Ansi.Green,
            LinkState.Closed => Ansi.Red,
            _ => Ansi.Yellow,
        };
        var status = $"[{_status}] ";
        // Show the end of a long input, so the cursor stays on this one terminal row.
        var room = Math.Max(10, SafeWidth() - status.Length - 3);
        var text = _input.Length > room ? "…" + _input.ToString(_input.Length - room + 1, room - 1) : _input.ToString();
        return Ansi.Paint(Color, colour, status) + "> " + text;
    }

    private static int SafeWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }
}
