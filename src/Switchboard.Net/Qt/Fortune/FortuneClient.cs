using System.Buffers;
using System.IO.Pipelines;
using Switchboard.Net.Framing;

namespace Switchboard.Net.Qt.Fortune;

/// <summary>
/// Asks a fortune server (Qt's, or <see cref="FortuneServer"/>) for fortunes: each request opens a connection,
/// reads one whole fortune and closes, as Qt's fortune clients do. Failures throw <see cref="FortuneException"/>.
/// </summary>
public sealed class FortuneClient
{
    private readonly string? _host;
    private readonly int _port;
    private readonly string? _path;
    private readonly FortuneClientOptions _options;
    private readonly FortuneCodec? _fixedCodec;

    private FortuneClient(string? host, int port, string? path, FortuneClientOptions? options)
    {
        _host = host;
        _port = port;
        _path = path;
        _options = options ?? new FortuneClientOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.Timeout, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxAttempts, 1, nameof(options));
        Framing = _options.Framing ?? (path is null ? FortuneCodecs.DefaultTcpFraming : FortuneCodecs.DefaultLocalFraming);
        _fixedCodec = _options.Framing is { } framing ? FortuneCodecs.Create(framing, _options.MaxMessageSize) : null;
    }

    /// <summary>
    /// The framing this client expects: the one given in <see cref="FortuneClientOptions.Framing"/>, else the one
    /// detected in the last answer (the transport's default before the first).
    /// </summary>
    public FortuneFraming Framing { get; private set; }

    /// <summary>Whether each answer's framing is detected from its first bytes (no framing was given).</summary>
    public bool DetectsFraming => _fixedCodec is null;

    /// <summary>Where the server is: "host:port", or the socket path.</summary>
    public string Server => _path ?? $"{_host}:{_port}";

    /// <summary>The last fortune received, or null before the first.</summary>
    public string? LastFortune { get; private set; }

    /// <summary>A client for a server on TCP.</summary>
    /// <param name="host">A host name or address.</param>
    /// <param name="port">The port, 1 to 65535.</param>
    /// <param name="options">Framing, timeout and limits; defaults when null.</param>
    public static FortuneClient ForTcp(string host, int port, FortuneClientOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        return new FortuneClient(host, port, null, options);
    }

    /// <summary>A client for a server on a local (Unix) socket, named as a QLocalServer is (see <see cref="QtLocalSocketPath"/>).</summary>
    /// <param name="nameOrPath">A bare server name such as "fortune", or a socket path.</param>
    /// <param name="options">Framing, timeout and limits; defaults when null.</param>
    public static FortuneClient ForLocal(string nameOrPath, FortuneClientOptions? options = null)
        => new(null, 0, QtLocalSocketPath.Resolve(nameOrPath), options);

    /// <summary>Connects, reads one whole fortune, and closes, all within <see cref="FortuneClientOptions.Timeout"/>.</summary>
    /// <exception cref="FortuneException">No fortune could be read; <see cref="FortuneException.Error"/> says why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<string> GetFortuneAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            await using SwitchboardConnection connection = await ConnectAsync(timeout.Token);
            string fortune = await ReadAsync(connection, timeout.Token);
            LastFortune = fortune;
            return fortune;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FortuneException(FortuneError.TimedOut, $"no whole fortune from {Server} within {_options.Timeout.TotalSeconds:0.###} s", ex);
        }
    }

    /// <summary>
    /// Gets a fortune different from <see cref="LastFortune"/>: like Qt's fortune client, asks again while the
    /// server repeats itself, up to <see cref="FortuneClientOptions.MaxAttempts"/> requests in all (after which
    /// the repeated fortune is returned).
    /// </summary>
    /// <exception cref="FortuneException">A request failed.</exception>
    public Task<string> GetNewFortuneAsync(CancellationToken cancellationToken = default) => GetNewFortuneAsync(LastFortune, cancellationToken);

    /// <summary>
    /// Gets a fortune different from <paramref name="previous"/> (one remembered from an earlier run, say), asking
    /// again while the server repeats it, up to <see cref="FortuneClientOptions.MaxAttempts"/> requests in all.
    /// </summary>
    /// <exception cref="FortuneException">A request failed.</exception>
    public async Task<string> GetNewFortuneAsync(string? previous, CancellationToken cancellationToken = default)
    {
        string fortune = await GetFortuneAsync(cancellationToken);
        for (int attempt = 1; attempt < _options.MaxAttempts && fortune == previous; attempt++)
        {
            fortune = await GetFortuneAsync(cancellationToken);
        }

        return fortune;
    }

    private async Task<SwitchboardConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var options = new ClientOptions { ConnectTimeout = _options.Timeout };
        try
        {
            return _path is null
                ? await SwitchboardConnection.ConnectTcpAsync(_host!, _port, options, null, cancellationToken)
                : await SwitchboardConnection.ConnectUnixAsync(_path, options, null, cancellationToken);
        }
        catch (ConnectException ex)
        {
            FortuneError error = ex.Error switch
            {
                ConnectError.HostNotFound or ConnectError.PathNotFound => FortuneError.HostNotFound,
                ConnectError.Refused => FortuneError.Refused,
                ConnectError.TimedOut => FortuneError.TimedOut,
                _ => FortuneError.Other,
            };
            throw new FortuneException(error, ex.Message, ex);
        }
    }

    private async Task<string> ReadAsync(SwitchboardConnection connection, CancellationToken cancellationToken)
    {
        // A plain read loop: a fortune connection carries exactly one message, so ProtocolReader's keeping of the
        // buffer between messages buys nothing here, and each end-of-stream case gets its own message.
        PipeReader input = connection.Input;
        FortuneCodec? codec = _fixedCodec;
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync(cancellationToken);
                ReadOnlySequence<byte> buffer = result.Buffer;
                bool complete;
                string fortune = string.Empty;
                if (codec is null && FortuneFramingDetector.Detect(buffer, result.IsCompleted) is { } detected)
                {
                    Framing = detected;
                    codec = FortuneCodecs.Create(detected, _options.MaxMessageSize);
                }

                try
                {
                    complete = codec is not null && codec.TryRead(ref buffer, out fortune);
                }
                catch (FramingException ex)
                {
                    input.AdvanceTo(result.Buffer.End);
                    throw new FortuneException(FortuneError.Malformed, $"malformed fortune from {Server} ({(DetectsFraming ? "detected " : "")}{Framing.ToString().ToLowerInvariant()} framing): {ex.Message}", ex);
                }

                if (complete)
                {
                    input.AdvanceTo(buffer.Start);
                    return fortune;
                }

                long received = result.Buffer.Length;
                input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                if (result.IsCompleted)
                {
                    throw new FortuneException(FortuneError.ClosedEarly, received == 0
                        ? $"{Server} closed the connection without sending a fortune"
                        : $"{Server} closed the connection after {received} bytes, before a whole fortune arrived");
                }
            }
        }
        catch (IOException ex) when (ex is not FortuneException)
        {
            throw new FortuneException(FortuneError.ClosedEarly, $"{Server} broke the connection before a whole fortune arrived: {ex.Message}", ex);
        }
    }
}
