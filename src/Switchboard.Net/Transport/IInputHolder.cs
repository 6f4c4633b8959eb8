namespace Switchboard.Net;

/// <summary>Something that keeps a connection input's buffer between reads and can let go of it on request.</summary>
internal interface IInputHolder
{
    /// <summary>Advances the input to the end of what was handed out, and forgets the rest.</summary>
    void ReleaseInput();
}
