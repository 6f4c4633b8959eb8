using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;

namespace Switchboard.Cli.Commands.Bench;

/// <summary>
/// The server under test, seen through /proc: which process owns the listening socket, its resident memory, its
/// open descriptors, its CPU time. Linux only; elsewhere these figures are left out.
/// </summary>
internal static class ServerProcess
{
    private const int ScClockTicks = 2; // _SC_CLK_TCK on Linux

    // /proc counts CPU time in clock ticks (USER_HZ), almost always 100 a second; sysconf says for sure.
    private static readonly Lazy<long> s_ticksPerSecond = new(() =>
    {
        var ticks = OperatingSystem.IsLinux() ? SysConf(ScClockTicks) : -1;
        return ticks > 0 ? ticks : 100;
    });

    [DllImport("libc", EntryPoint = "sysconf")]
    private static extern long SysConf(int name);

    /// <summary>
    /// User plus system CPU time of all the process's threads so far (utime + stime of /proc/PID/stat), or null
    /// when the process is gone or this is not Linux. Its resolution is one clock tick (10 ms).
    /// </summary>
    public static TimeSpan? CpuTime(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return ParseCpuTime(stat, s_ticksPerSecond.Value);
    }

    /// <summary>utime + stime from one /proc/PID/stat line, in ticks of <paramref name="ticksPerSecond"/>.</summary>
    public static TimeSpan? ParseCpuTime(string stat, long ticksPerSecond)
    {
        // The command name (field 2) is in parentheses and may hold spaces or ')': the fields that follow start
        // after the last ')'. There, field 3 (state) is index 0, so utime (14) and stime (15) are 11 and 12.
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 13
            || !long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var utime)
            || !long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var stime))
        {
            return null;
        }

        return TimeSpan.FromSeconds((double)(utime + stime) / ticksPerSecond);
    }

    /// <summary>Whether a process with this id is running (on Linux; elsewhere assumed).</summary>
    public static bool Exists(int pid) => !OperatingSystem.IsLinux() || Directory.Exists($"/proc/{pid}");

    /// <summary>The process that owns the socket listening at <paramref name="target"/>, or null if none is found.</summary>
    public static int? FindListener(BenchTarget target)
    {
        var inode = target.IsUnix ? FindUnixInode(target.EndPoint.ToString()!) : FindTcpInode(target.Port);
        return inode is null ? null : FindOwner(inode.Value);
    }

    /// <summary>VmRSS in KiB, or null when the process is gone.</summary>
    public static long? ResidentKib(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    /// <summary>How many descriptors the process holds, or null when it cannot be read.</summary>
    public static int? OpenDescriptors(int pid)
    {
        try
        {
            return Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long? FindTcpInode(int port)
    {
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }

            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 10 || fields[3] != "0A")
                {
                    continue;
                }

                var local = fields[1];
                var localPort = int.Parse(local.AsSpan(local.LastIndexOf(':') + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (localPort == port && IsLoopbackOrAny(local[..local.LastIndexOf(':')]))
                {
                    return long.Parse(fields[9], CultureInfo.InvariantCulture);
                }
            }
        }

        return null;
    }

    private static bool IsLoopbackOrAny(string hexAddress)
    {
        var bytes = Convert.FromHexString(hexAddress);
        if (bytes.All(b => b == 0))
        {
            return true;
        }

        // /proc prints each 32-bit word in host (little-endian) order.
        for (var i = 0; i < bytes.Length; i += 4)
        {
            Array.Reverse(bytes, i, 4);
        }

        return IPAddress.IsLoopback(new IPAddress(bytes)) || (bytes.Length == 16 && new IPAddress(bytes).IsIPv4MappedToIPv6 && IPAddress.IsLoopback(new IPAddress(bytes).MapToIPv4()));
    }

    private static long? FindUnixInode(string path)
    {
        const int acceptConnections = 0x10000; // __SO_ACCEPTCON: a listening socket
        foreach (var line in File.ReadLines("/proc/net/unix").Skip(1))
        {
            // Num RefCount Protocol Flags Type St Inode Path
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 8 && fields[7] == path
                && (int.Parse(fields[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture) & acceptConnections) != 0)
            {
                return long.Parse(fields[6], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private static int? FindOwner(long inode)
    {
        var link = $"socket:[{inode}]";
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(dir, "fd")))
                {
                    if (new FileInfo(fd).LinkTarget == link)
                    {
                        return pid;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended, or is not ours to look into.
            }
        }

        return null;
    }
}
