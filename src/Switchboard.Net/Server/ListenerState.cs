namespace Switchboard.Net;

/// <summary>Where a <see cref="SwitchboardListener"/> is between listening and shut down.</summary>
public enum ListenerState
{
    /// <summary>Bound and accepting new connections.</summary>
    Listening,

    /// <summary>
    /// Unbound: connecting is refused (TCP) or finds no socket (Unix). Connections accepted earlier carry on.
    /// </summary>
    Stopped,

    /// <summary>Shut down for good; it cannot listen again.</summary>
    Closed,
}
