using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Switchboard.Cli.Infrastructure;

/// <summary>Options every command takes (declared once on the root, recursive): verbosity and --debug.</summary>
internal static class GlobalOptions
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "More detail on stderr (debug log lines)", Recursive = true };

    public static readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "Only warnings and errors on stderr (the \"listening on\" line stays)", Recursive = true };

    public static readonly Option<bool> Debug = new("--debug") { Description = "On an unexpected error, show its stack trace", Recursive = true };

    public static LogLevel LogLevel(ParseResult parse) =>
        parse.GetValue(Verbose) ? Microsoft.Extensions.Logging.LogLevel.Debug
        : parse.GetValue(Quiet) ? Microsoft.Extensions.Logging.LogLevel.Warning
        : Microsoft.Extensions.Logging.LogLevel.Information;
}
