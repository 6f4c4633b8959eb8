using System.CommandLine;
using System.CommandLine.Parsing;

namespace Switchboard.Cli.Infrastructure;

/// <summary>
/// Reports bad usage: one line per problem, a suggestion for a mistyped command ("did you mean 'serve'?") instead
/// of System.CommandLine's "Required command was not provided", and exit 2 so scripts can tell it from a failure.
/// </summary>
internal static class UsageErrors
{
    public static int Report(ParseResult parsed, IReadOnlyList<string> args)
    {
        var command = CommandPath(parsed.CommandResult);
        if (GluedValue(parsed.CommandResult.Command, args) is { } glued)
        {
            // "-q1": System.CommandLine splits it into the switch -q and a stray "1", and then complains about
            // whatever the stray word displaced. Name the real mistake instead.
            Console.Error.WriteLine($"{command}: '{glued.Token}': {glued.Alias} ({glued.Name}) is a switch and takes no value");
            Console.Error.WriteLine($"Run '{command} --help' for usage.");
            return ExitCodes.Usage;
        }

        var unknown = parsed.UnmatchedTokens.FirstOrDefault();
        var subcommands = parsed.CommandResult.Command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToArray();
        if (subcommands.Length > 0 && parsed.CommandResult.Command.Action is null && unknown is not null && !unknown.StartsWith('-'))
        {
            // A word where a command was expected: name the closest one, not two generic errors.
            var closest = subcommands.Select(name => (name, distance: Distance(unknown, name))).OrderBy(c => c.distance).First();
            Console.Error.WriteLine(closest.distance <= Math.Max(2, unknown.Length / 3)
                ? $"{command}: '{unknown}' is not a command. Did you mean '{closest.name}'?"
                : $"{command}: '{unknown}' is not a command (commands: {string.Join(", ", subcommands)}).");
        }
        else if (subcommands.Length > 0 && parsed.CommandResult.Command.Action is null && unknown is null)
        {
            Console.Error.WriteLine($"{command}: give a command: {string.Join(", ", subcommands)}");
        }
        else
        {
            foreach (var error in parsed.Errors)
            {
                Console.Error.WriteLine($"{command}: {error.Message}");
            }
        }

        Console.Error.WriteLine($"Run '{command} --help' for usage.");
        return ExitCodes.Usage;
    }

    private static (string Token, string Alias, string Name)? GluedValue(Command command, IReadOnlyList<string> args)
    {
        var switches = command.Options.Concat(command.Parents.OfType<Command>().SelectMany(p => p.Options.Where(o => o.Recursive)))
            .Where(o => o.ValueType == typeof(bool))
            .SelectMany(o => o.Aliases.Append(o.Name).Where(a => a.Length == 2 && a[0] == '-' && a[1] != '-').Select(a => (Alias: a, o.Name)))
            .ToArray();
        foreach (var token in args)
        {
            if (token.Length > 2 && token[0] == '-' && token[1] != '-' && char.IsDigit(token[2]))
            {
                var match = switches.FirstOrDefault(s => token.StartsWith(s.Alias, StringComparison.Ordinal));
                if (match.Alias is not null)
                {
                    return (token, match.Alias, match.Name);
                }
            }
        }

        return null;
    }

    public static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (var current = result; current is not null; current = current.Parent as CommandResult)
        {
            names.Insert(0, current.Parent is null ? "switchboard" : current.Command.Name);
        }

        return string.Join(' ', names);
    }

    /// <summary>Edit distance (insertions, deletions, substitutions), for "did you mean".</summary>
    internal static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
