namespace Switchboard.Cli.Commands.Bench;

/// <summary>A bench run cannot be made as asked; the message says why, for the user.</summary>
internal sealed class BenchException(string message) : Exception(message);
