using System.Globalization;
using System.Net;

namespace Switchboard.Cli.Commands.Bench;

/// <summary>
/// The server under test, seen through /proc: which process owns the listening socket, its resident memory, its
/// open descriptors. Linux only; elsewhere the memory figures are left out.
/// </summary>
internal static class ServerProcess
{
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
