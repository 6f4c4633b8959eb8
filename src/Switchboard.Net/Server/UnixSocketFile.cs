using System.Net.Sockets;

namespace Switchboard.Net;

/// <summary>
/// The rules for a Unix socket path: replace a dead server's leftover socket file, never a live server's, and
/// never anything that is not a socket (a regular file at that path is someone's data).
/// </summary>
internal static class UnixSocketFile
{
    public static async Task ClaimAsync(string path, CancellationToken cancellationToken)
    {
        switch (FileType.Of(path))
        {
            case FileType.Kind.None:
                return;
            case FileType.Kind.Directory:
                throw new IOException($"cannot listen on {path}: it is a directory");
            case FileType.Kind.Socket:
                break;
            default:
                throw new IOException($"cannot listen on {path}: the path exists and is not a socket (it was left alone)");
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await probe.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            // Nobody accepts on it: a server died and left its socket file behind.
            File.Delete(path);
            return;
        }
        catch (SocketException ex)
        {
            throw new IOException($"cannot listen on {path}: the socket file is not usable ({ex.Message})", ex);
        }

        throw new IOException($"cannot listen on {path}: another server is listening there");
    }

    /// <summary>Removes the socket file this process bound, if it is still a socket.</summary>
    public static void Remove(string path)
    {
        try
        {
            if (IsSocket(path))
            {
                File.Delete(path);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    // The type of the path itself (a symbolic link is not followed, so a link is never taken for a socket).
    private static bool IsSocket(string path) => FileType.Of(path) == FileType.Kind.Socket;
}
