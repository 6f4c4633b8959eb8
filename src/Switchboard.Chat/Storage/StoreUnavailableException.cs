namespace Switchboard.Chat.Storage;

/// <summary>
/// The database cannot be reached right now. Stores translate their driver's errors into this once, so the chat
/// can answer "try again" without knowing which database it runs on.
/// </summary>
internal sealed class StoreUnavailableException(string message, Exception? inner = null) : IOException(message, inner);
