using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Switchboard.Chat.Storage;

/// <summary>
/// How many bytes a nick, and an address, may have stored a minute (<see cref="ChatServerOptions.StorageQuotaPerNick"/>,
/// <see cref="ChatServerOptions.StorageQuotaPerAddress"/>): the rate limit counts lines, so 25 lines of 8 KiB a
/// second from each of 60 clients grew chat.db by 11.9 MB/s. Each allowance holds a minute's bytes and refills
/// continuously, so a paste may use the minute at once and a steady talker never notices. Nicks count by skeleton
/// (a look-alike is the same nick); addresses by <see cref="Commands.AddressKey"/> (IPv6 by its /64). A message
/// with no address (a Unix socket, a web post) counts against its nick only.
/// </summary>
internal sealed class StorageQuota(ChatServerOptions options, TimeProvider time)
{
    /// <summary>
    /// What a message costs on top of its text's UTF-8 bytes: its row (id, time, kind, room, sender, index entries).
    /// Without it, one-byte lines at the rate limit would cost nothing and still grow the database.
    /// </summary>
    public const int RowOverhead = 64;

    // Allowances that have refilled are forgotten past this many; nicks go before addresses when that is not enough
    // (a nick can be changed at will, so its allowance is the weaker bound anyway).
    private const int MaxAllowances = 100_000;

    private readonly ConcurrentDictionary<string, Allowance> _allowances = new(StringComparer.Ordinal);
    private readonly Lock _pruning = new();

    public StorageQuota(ChatServerOptions options)
        : this(options, TimeProvider.System)
    {
    }

    /// <summary>Charges a message to its nick and its address; null when it may be stored, otherwise why not (nothing is charged then).</summary>
    public string? TryCharge(string nick, IPAddress? address, string text)
    {
        var perNick = options.StorageQuotaPerNick;
        var perAddress = options.StorageQuotaPerAddress;
        var byNick = perNick > 0 ? Find("nick:" + NickSkeleton.Of(nick), perNick) : null;
        var byAddress = perAddress > 0 && address is not null ? Find("address:" + Commands.AddressKey.For(address), perAddress) : null;
        if (byNick is null && byAddress is null)
        {
            return null;
        }

        var cost = Encoding.UTF8.GetByteCount(text) + RowOverhead;
        var now = time.GetTimestamp();

        // Always the nick's lock first, then the address's: the two kinds of key never meet, so no cycle.
        lock (byNick ?? byAddress!)
        {
            lock (byAddress ?? byNick!)
            {
                if (byNick?.Wait(cost, perNick, now, time) is { } nickWait)
                {
                    return Refusal("your nick", perNick, nickWait);
                }

                if (byAddress?.Wait(cost, perAddress, now, time) is { } addressWait)
                {
                    return Refusal("your address", perAddress, addressWait);
                }

                byNick?.Take(cost);
                byAddress?.Take(cost);
                return null;
            }
        }
    }

    private static string Refusal(string who, int perMinute, TimeSpan wait)
        => $"not stored or delivered: {who} is over the storage quota of {Describe(perMinute)} a minute; try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} s";

    private static string Describe(int bytes) => bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB"
        : bytes >= 1024 && bytes % 1024 == 0 ? $"{bytes / 1024} KiB"
        : $"{bytes} bytes";

    private Allowance Find(string key, int perMinute)
    {
        if (_allowances.TryGetValue(key, out var allowance))
        {
            return allowance;
        }

        if (_allowances.Count >= MaxAllowances)
        {
            Prune();
        }

        return _allowances.GetOrAdd(key, _ => new Allowance(perMinute, time.GetTimestamp()));
    }

    private void Prune()
    {
        lock (_pruning)
        {
            if (_allowances.Count < MaxAllowances)
            {
                return;
            }

            var now = time.GetTimestamp();
            foreach (var (key, allowance) in _allowances)
            {
                var perMinute = key.StartsWith("nick:", StringComparison.Ordinal) ? options.StorageQuotaPerNick : options.StorageQuotaPerAddress;
                lock (allowance)
                {
                    if (allowance.IsFull(perMinute, now, time))
                    {
                        _allowances.TryRemove(new KeyValuePair<string, Allowance>(key, allowance));
                    }
                }
            }

            if (_allowances.Count >= MaxAllowances * 3 / 4)
            {
                foreach (var key in _allowances.Keys.Where(k => k.StartsWith("nick:", StringComparison.Ordinal)))
                {
                    _allowances.TryRemove(key, out _);
                }
            }
        }
    }

    /// <summary>A minute's bytes, refilled continuously; callers hold its lock.</summary>
    private sealed class Allowance(int perMinute, long created)
    {
        private double _bytes = perMinute;
        private long _last = created;

        /// <summary>Null when <paramref name="cost"/> may be taken now; otherwise how long until it may.</summary>
        public TimeSpan? Wait(int cost, int perMinute, long now, TimeProvider time)
        {
            Refill(perMinute, now, time);

            // A full allowance takes any one message, even one larger than a minute's quota (it then refills for longer).
            if (_bytes >= cost || _bytes >= perMinute)
            {
                return null;
            }

            return TimeSpan.FromMinutes((Math.Min(cost, perMinute) - _bytes) / perMinute);
        }

        public void Take(int cost) => _bytes -= cost;

        public bool IsFull(int perMinute, long now, TimeProvider time)
        {
            Refill(perMinute, now, time);
            return _bytes >= perMinute;
        }

        private void Refill(int perMinute, long now, TimeProvider time)
        {
            // A caller that read the clock earlier may get the lock later: time never runs backwards here.
            if (now > _last)
            {
                _bytes += time.GetElapsedTime(_last, now).TotalMinutes * perMinute;
                _last = now;
            }

            _bytes = Math.Min(perMinute, _bytes);
        }
    }
}
