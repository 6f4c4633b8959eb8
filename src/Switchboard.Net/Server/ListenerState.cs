namespace Switchboard.Net;

/// <summary>Where a <see cref="SwitchboardListener"/> is between listening and shut down.</summary>
public enum ListenerState
{
    /// <summary>Bound and accepting new connections.</summary>
    Listening,

    /// <summary>
    /// Stopped, but the address is still held because connections accepted earlier are open (Kestrel cannot unbind
    /// one endpoint without closing its connections). Newcomers are accepted by the kernel and closed at once.
    /// </summary>
    Draining,

    /// <summary>Stopped and the address released: connecting is refused (TCP) or finds no socket (Unix).</summary>
    Stopped,

    /// <summary>Shut down for good; it cannot listen again.</summary>
    Closed,
}
