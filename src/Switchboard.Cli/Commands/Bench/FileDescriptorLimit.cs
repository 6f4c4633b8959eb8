using System.Runtime.InteropServices;

namespace Switchboard.Cli.Commands.Bench;

/// <summary>RLIMIT_NOFILE through setrlimit(2): thousands of connections need thousands of descriptors.</summary>
internal static partial class FileDescriptorLimit
{
    private const int RlimitNofile = 7; // Linux

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [DllImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static extern int GetRLimit(int resource, out RLimit limit);

    [DllImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static extern int SetRLimit(int resource, ref RLimit limit);

    /// <summary>The current soft limit, or null where it cannot be read (not Linux).</summary>
    public static long? Current => OperatingSystem.IsLinux() && GetRLimit(RlimitNofile, out var limit) == 0 ? (long)limit.Current : null;

    /// <summary>
    /// Raises the soft limit to at least <paramref name="wanted"/>, and the hard limit too when allowed (root).
    /// Returns the soft limit in force afterwards.
    /// </summary>
    public static long EnsureAtLeast(long wanted)
    {
        if (!OperatingSystem.IsLinux() || GetRLimit(RlimitNofile, out var limit) != 0)
        {
            return long.MaxValue;
        }

        if ((long)limit.Current >= wanted)
        {
            return (long)limit.Current;
        }

        var raised = new RLimit { Current = (ulong)wanted, Maximum = Math.Max(limit.Maximum, (ulong)wanted) };
        if (SetRLimit(RlimitNofile, ref raised) != 0)
        {
            // Not allowed to raise the hard limit: take all of it.
            raised = new RLimit { Current = limit.Maximum, Maximum = limit.Maximum };
            SetRLimit(RlimitNofile, ref raised);
        }

        return Current ?? wanted;
    }
}
