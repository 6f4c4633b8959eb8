namespace Switchboard.Chat;

/// <summary>How much the store trusts the disk. Both modes survive a crash of the process (SIGKILL).</summary>
public enum StoreDurability
{
    /// <summary>fsync at every group commit: also survives power loss. The default.</summary>
    Full,

    /// <summary>No fsync at commit (SQLite synchronous=NORMAL in WAL mode): survives a process crash, not a power cut.</summary>
    Normal,
}
