using System.Net.Sockets;

namespace Switchboard.Net;

/// <summary>The rules for a Unix socket path: replace a dead server's leftover file, never a live server's.</summary>
internal static class UnixSocketFile
{
    public static async Task ClaimAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            return;
        }

        if (Directory.Exists(path))
        {
            throw new IOException($"cannot listen on {path}: it is a directory");
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await probe.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            // Nobody accepts on it: a server died and left its file behind.
            File.Delete(path);
            return;
        }
        catch (SocketException ex)
        {
            throw new IOException($"cannot listen on {path}: the path exists and is not a usable socket ({ex.Message})", ex);
        }

        throw new IOException($"cannot listen on {path}: another server is listening there");
    }

    public static void Remove(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
