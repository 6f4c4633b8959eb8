namespace Switchboard.Cli.Tests.Fortune;

/// <summary>
/// The tests that start external programs run one at a time: the machine has two cores, and a Qt server or Python
/// start-up competing with others makes the timeouts flaky rather than meaningful.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InteropCollection
{
    public const string Name = "Fortune interop";
}
