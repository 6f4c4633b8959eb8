namespace Switchboard.Chat.Tests.Memory;

/// <summary>
/// Tests that read the process's managed heap: they run alone (after the parallel tests), so other tests'
/// allocations do not blur the figure.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryCollection
{
    public const string Name = "managed memory";
}
