using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Switchboard.Net;

/// <summary>
/// What kind of file a path names, without following a symbolic link. .NET has no API that tells a socket from
/// a regular file, and connecting cannot either (both refuse), so this asks the kernel through statx(2), whose
/// layout is the same on every Linux architecture.
/// </summary>
internal static partial class FileType
{
    public enum Kind
    {
        None,
        Regular,
        Directory,
        Socket,
        Other,
    }

    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;

    public static Kind Of(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            // Elsewhere only the coarse view: anything that exists and is not a directory is left alone.
            return Directory.Exists(path) ? Kind.Directory : File.Exists(path) ? Kind.Other : Kind.None;
        }

        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, out var stat) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is ENOENT or ENOTDIR)
            {
                return Kind.None;
            }

            throw new IOException($"cannot inspect {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        return (stat.Mode & 0xF000) switch
        {
            0x8000 => Kind.Regular,
            0x4000 => Kind.Directory,
            0xC000 => Kind.Socket,
            _ => Kind.Other,
        };
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, out StatxBuffer buffer);

    // struct statx: 256 bytes; stx_mode is the 16-bit field at offset 28.
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(28)]
        public ushort Mode;
    }
}
