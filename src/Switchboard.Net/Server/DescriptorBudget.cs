using System.Runtime.InteropServices;

namespace Switchboard.Net;

/// <summary>
/// The process's file descriptors, shared by every listener in it. A process that runs out of descriptors does not
/// just fail its next accept: the runtime, SQLite, the logger and the TLS stack fail wherever they next open one,
/// and .NET aborts ("Out of memory") when it cannot create what a thread needs. So accepted sockets may use the
/// descriptors above what the process had open at its first listen, less a reserve for everything else; a
/// connection beyond that is refused at once, and the process never reaches its limit through its listeners.
/// </summary>
internal static partial class DescriptorBudget
{
    private const int RlimitNofile = 7; // Linux
    private static readonly Lock s_gate = new();
    private static long s_capacity = -1;
    private static long s_limit;
    private static long s_inUse;
    // Normal, Refusing (an episode: logged once), Recovered (the episode ended; the next accept logs it).
    private const int Normal = 0;
    private const int Refusing = 1;
    private const int Recovered = 2;
    private static int s_refusing;
    private static int s_warnedAtStart;

    /// <summary>Result of <see cref="TryTake"/>.</summary>
    public enum Outcome
    {
        Taken,

        /// <summary>Taken, ending a refusing episode (log that accepting resumed).</summary>
        TakenAgain,
        Refused,

        /// <summary>Refused, starting a refusing episode (log it, once).</summary>
        RefusedFirst,
    }

    /// <summary>How many sockets accepted by listeners may be open at once (long.MaxValue where unknown).</summary>
    public static long Capacity => EnsureComputed();

    /// <summary>The descriptor limit (RLIMIT_NOFILE), 0 where unknown.</summary>
    public static long Limit
    {
        get
        {
            EnsureComputed();
            return s_limit;
        }
    }

    public static long InUse => Interlocked.Read(ref s_inUse);

    /// <summary>Computes the budget once, at the first listen, when the process has opened what it needs to run.</summary>
    public static long EnsureComputed()
    {
        var capacity = Volatile.Read(ref s_capacity);
        if (capacity >= 0)
        {
            return capacity;
        }

        lock (s_gate)
        {
            if (s_capacity < 0)
            {
                (s_limit, s_capacity) = Compute();
            }

            return s_capacity;
        }
    }

    /// <summary>Takes a descriptor for an accepted socket; refused when the budget is spent.</summary>
    public static Outcome TryTake()
    {
        var capacity = EnsureComputed();
        if (Interlocked.Increment(ref s_inUse) > capacity)
        {
            Interlocked.Decrement(ref s_inUse);
            return Interlocked.Exchange(ref s_refusing, Refusing) == Refusing ? Outcome.Refused : Outcome.RefusedFirst;
        }

        return Volatile.Read(ref s_refusing) == Recovered && Interlocked.CompareExchange(ref s_refusing, Normal, Recovered) == Recovered
            ? Outcome.TakenAgain
            : Outcome.Taken;
    }

    /// <summary>
    /// Accepting failed for want of descriptors although the budget had room: what opened since the first listen
    /// took more than the reserve. The budget comes down to what is in use less an eighth, so the next newcomers
    /// are refused before the process runs dry.
    /// </summary>
    public static void Exhausted()
    {
        // Only when the process really is at its limit (a test's simulated failure, or the system-wide table being
        // full, leaves the budget alone).
        if (EnsureComputed() == long.MaxValue || CountOpen() is not { } open || open < s_limit - 16)
        {
            return;
        }

        lock (s_gate)
        {
            var inUse = Interlocked.Read(ref s_inUse);
            Volatile.Write(ref s_capacity, Math.Min(s_capacity, Math.Max(0, inUse - Math.Max(8, inUse / 8))));
        }
    }

    private static long? CountOpen()
    {
        try
        {
            return Directory.EnumerateFileSystemEntries("/proc/self/fd").LongCount();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>True the first time only: the start-up warning about a low limit is given once per process.</summary>
    public static bool ClaimStartWarning() => Interlocked.Exchange(ref s_warnedAtStart, 1) == 0;

    /// <summary>Gives back what <see cref="TryTake"/> took, once the socket is closed.</summary>
    public static void Release()
    {
        var inUse = Interlocked.Decrement(ref s_inUse);
        // An episode ends once a tenth of the budget is free again, so a server at the edge does not log each
        // connection that comes and goes; the next accept says so.
        if (Volatile.Read(ref s_refusing) == Refusing && inUse <= s_capacity - Math.Max(1, s_capacity / 10))
        {
            Interlocked.CompareExchange(ref s_refusing, Recovered, Refusing);
        }
    }

    private static (long Limit, long Capacity) Compute()
    {
        if (!OperatingSystem.IsLinux() || GetRLimit(RlimitNofile, out var limit) != 0 || limit.Current >= int.MaxValue)
        {
            return (0, long.MaxValue);
        }

        if (CountOpen() is not { } open)
        {
            return ((long)limit.Current, long.MaxValue);
        }

        // For what opens after the first listen: assemblies loaded on first use (two descriptors each: the TLS
        // stack alone is a dozen), SQLite's read connections (three each), log files, the runtime's own. A chat
        // server under ulimit -n 384 took 22 more after its first listen. A quarter of what was free, at least 32:
        // under ulimit -n 256 that still leaves a .NET server (near 200 descriptors open at start, most of them
        // its assemblies) room for some thirty connections. Should it prove too little, Exhausted lowers the budget.
        var free = (long)limit.Current - open;
        var reserve = Math.Max(32, free / 4);
        return ((long)limit.Current, Math.Max(0, free - reserve));
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out RLimit limit);
}
