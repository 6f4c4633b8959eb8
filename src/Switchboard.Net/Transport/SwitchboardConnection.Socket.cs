using System.Net.Sockets;

namespace Switchboard.Net;

public sealed partial class SwitchboardConnection
{
    /// <summary>The socket under the connection, for tests that read its options back; nothing else touches it.</summary>
    internal Socket? SocketForTests => _transport?.Socket;
}
