namespace Switchboard.Chat.Storage;

/// <summary>
/// A message was refused because its sender is over <see cref="StorageQuota"/>; the message says so in the sender's
/// words. An <see cref="InvalidOperationException"/>, as the web console's other refusals (rate limit, ban) are.
/// </summary>
internal sealed class StorageQuotaExceededException(string message) : InvalidOperationException(message);
