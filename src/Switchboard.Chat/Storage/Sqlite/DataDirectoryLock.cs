namespace Switchboard.Chat.Storage.Sqlite;

/// <summary>
/// An exclusive lock on <c>chat.lock</c> in a data directory, held for as long as a store has the directory open.
/// Two servers on one chat.db would each number messages from the same last id and overwrite each other's
/// commits; SQLite's own locking only serializes them, so the second server must not start at all.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "chat.lock";

    private readonly FileStream _file;

    private DataDirectoryLock(FileStream file) => _file = file;

    /// <summary>Takes the lock, or fails at once (no waiting) when another store holds it.</summary>
    /// <exception cref="IOException">Another process (or another store in this one) uses the directory.</exception>
    public static DataDirectoryLock Acquire(string directory)
    {
        var path = Path.Combine(directory, FileName);
        FileStream file;
        try
        {
            // FileShare.None is an flock(LOCK_EX | LOCK_NB) on Unix and a share-mode lock on Windows: either way the
            // kernel drops it when the process dies, so a crash never leaves a stale lock behind.
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.None);
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new IOException($"the data directory {directory} is used by another running switchboard server (it holds {path}); stop that one or use another --data directory", ex);
        }

        try
        {
            WriteOwner(file);
            return new DataDirectoryLock(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Dispose() => _file.Dispose();

    // Only for a person looking at the directory: the lock is the open file, not its contents.
    private static void WriteOwner(FileStream file)
    {
        var text = System.Text.Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n");
        file.SetLength(0);
        file.Write(text);
        file.Flush();
    }
}
