using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Switchboard.Chat.Server;

namespace Switchboard.Chat.Commands;

/// <summary>
/// Checks <c>/oper</c> secrets against a SHA-256 hash (the plain secret is not kept) and backs off after failures,
/// per connection and per address: after the n-th failure no attempt is even checked for 2^(n-1) seconds (at most
/// <see cref="MaxDelay"/>), so guessing costs time however fast a client types.
/// </summary>
internal sealed class OperatorGate
{
    /// <summary>The longest back-off: 5 minutes.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(5);

    // An address that has not failed for this long starts over, so one typo a day never adds up.
    private static readonly TimeSpan Forget = TimeSpan.FromMinutes(15);

    // Bounds the per-address table: past it, addresses that have served their time are forgotten first.
    private const int MaxAddresses = 10_000;

    private readonly byte[]? _hash;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Backoff> _addresses = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<object, Backoff> _sessions = new();

    public OperatorGate(string? secret, TimeProvider? time = null)
    {
        _hash = string.IsNullOrEmpty(secret) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Reads the secret from <see cref="ChatServerOptions.OperatorSecretFile"/> when set, else <see cref="ChatServerOptions.OperatorSecret"/>.</summary>
    /// <exception cref="InvalidOperationException">The file cannot be read.</exception>
    public static OperatorGate FromOptions(ChatServerOptions options)
    {
        if (string.IsNullOrEmpty(options.OperatorSecretFile))
        {
            return new OperatorGate(options.OperatorSecret);
        }

        try
        {
            // One line: the trailing newline an editor or `echo` adds is not part of the secret.
            return new OperatorGate(File.ReadAllText(options.OperatorSecretFile).TrimEnd('\r', '\n'));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"cannot read the operator secret file {options.OperatorSecretFile}: {ex.Message}", ex);
        }
    }

    public bool Enabled => _hash is not null;

    /// <summary>
    /// Checks one attempt. <paramref name="retryAfter"/> is how long the caller must still wait (when refused
    /// unchecked, or after a failure); <paramref name="failures"/> counts the address's failures in a row.
    /// </summary>
    public OperResult TryOper(ChatSession session, string given, out TimeSpan retryAfter, out int failures)
        => TryOper(session, session.Address, given, out retryAfter, out failures);

    /// <summary>The same, for any object standing for one connection (tests use plain objects).</summary>
    public OperResult TryOper(object connection, IPAddress? from, string given, out TimeSpan retryAfter, out int failures)
    {
        var now = _time.GetUtcNow();
        var address = AddressKey.For(from);
        lock (_gate)
        {
            var byAddress = _addresses.GetValueOrDefault(address);
            if (byAddress is not null && now - byAddress.LastFailure > Forget)
            {
                _addresses.Remove(address);
                byAddress = null;
            }

            var bySession = _sessions.GetOrCreateValue(connection);
            var until = Max(bySession.Until, byAddress?.Until ?? DateTimeOffset.MinValue);
            failures = byAddress?.Failures ?? 0;
            if (until > now)
            {
                retryAfter = until - now;
                return OperResult.BackingOff;
            }

            if (_hash is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), _hash))
            {
                bySession.Reset();
                _addresses.Remove(address);
                retryAfter = TimeSpan.Zero;
                failures = 0;
                return OperResult.Granted;
            }

            if (byAddress is null)
            {
                Prune(now);
                byAddress = new Backoff();
                _addresses[address] = byAddress;
            }

            bySession.Fail(now);
            byAddress.Fail(now);
            failures = byAddress.Failures;
            retryAfter = Max(bySession.Until, byAddress.Until) - now;
            return OperResult.Refused;
        }
    }

    private void Prune(DateTimeOffset now)
    {
        if (_addresses.Count < MaxAddresses)
        {
            return;
        }

        foreach (var (key, value) in _addresses.ToList())
        {
            if (value.Until <= now)
            {
                _addresses.Remove(key);
            }
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private sealed class Backoff
    {
        public int Failures { get; private set; }

        public DateTimeOffset LastFailure { get; private set; }

        public DateTimeOffset Until { get; private set; }

        public void Fail(DateTimeOffset now)
        {
            Failures++;
            LastFailure = now;
            var seconds = Math.Pow(2, Math.Min(Failures - 1, 20));
            Until = now + TimeSpan.FromSeconds(Math.Min(seconds, MaxDelay.TotalSeconds));
        }

        public void Reset()
        {
            Failures = 0;
            Until = DateTimeOffset.MinValue;
        }
    }
}

/// <summary>What became of one <c>/oper</c>.</summary>
internal enum OperResult
{
    Granted,
    Refused,
    BackingOff,
}
