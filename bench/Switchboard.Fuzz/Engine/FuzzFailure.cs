namespace Switchboard.Fuzz.Engine;

/// <summary>A property did not hold for one input. The runner prints it with the input in hex.</summary>
internal sealed class FuzzFailure(string message, Exception? inner = null) : Exception(message, inner);
