namespace Switchboard.Chat.Server;

/// <summary>A line <see cref="SessionInput"/> did not let through: the error for the user, and whether the session was closed for it.</summary>
/// <param name="Code">The error's code (<c>rate-limited</c>, <c>nul-byte</c>, <c>flood</c>...).</param>
/// <param name="Text">The error in the user's words.</param>
/// <param name="Notify">
/// Whether to tell the user now. A flood's dropped lines are told at most once a second, so the errors do not become
/// a flood of their own; a caller that answers every line anyway (the web page's post) may ignore it.
/// </param>
/// <param name="Closed">The session's end reason when this line closed it (the notice is already queued); null when it carries on.</param>
internal sealed record InputRefusal(string Code, string Text, bool Notify, string? Closed);
