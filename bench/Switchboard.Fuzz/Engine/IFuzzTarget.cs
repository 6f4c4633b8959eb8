namespace Switchboard.Fuzz.Engine;

/// <summary>One reader under test. <see cref="Run"/> generates one input from the case's <see cref="Rng"/> and checks the properties.</summary>
internal interface IFuzzTarget : IDisposable
{
    string Name { get; }

    /// <summary>What is fed and what is checked, one line for the listing.</summary>
    string Summary { get; }

    /// <summary>Runs one case. Sets <see cref="FuzzCase.Input"/> before checking, so a failure can print it; throws <see cref="FuzzFailure"/>.</summary>
    void Run(Rng rng, FuzzCase current);
}

/// <summary>The input of the case being run, for the failure report.</summary>
internal sealed class FuzzCase
{
    public byte[] Input { get; set; } = [];

    /// <summary>Anything else needed to replay by hand (the reader's settings).</summary>
    public string Settings { get; set; } = "";
}
