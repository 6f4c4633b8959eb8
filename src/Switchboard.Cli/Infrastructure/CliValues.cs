using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace Switchboard.Cli.Infrastructure;

/// <summary>
/// Parsers for the values users type (ports, counts, durations, choices). Each reports a bad value in the user's
/// words ("--port must be a number from 0 to 65535, not 'abc'") instead of System.CommandLine's messages, which
/// name .NET types.
/// </summary>
internal static class CliValues
{
    /// <summary>How a value is named in messages: the option's name ("--port") or the argument's ("PORT").</summary>
    public static string NameOf(ArgumentResult result) => result.Parent is OptionResult option
        ? option.Option.Name
        : result.Argument.Name.ToUpperInvariant();

    public static bool TryParsePort(string text, bool allowZero, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port >= (allowZero ? 0 : 1) && port <= 65535;

    public static string PortError(string name, string text, bool allowZero) =>
        $"{name} must be a number from {(allowZero ? 0 : 1)} to 65535, not '{text}'";

    /// <summary>An optional port option; 0 ("pick a free one") is allowed only for listening ports.</summary>
    public static Option<int?> PortOption(string name, string description, bool allowZero, params string[] aliases) => new(name, aliases)
    {
        Description = description,
        HelpName = "PORT",
        CustomParser = r => ParsePort(r, allowZero),
    };

    /// <summary>A whole-number option with its range, checked as it is parsed.</summary>
    public static Option<int> IntOption(string name, string description, int min, int max, int defaultValue, params string[] aliases) => new(name, aliases)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r => ParseNumber(r, min, max) ?? defaultValue,
    };

    /// <summary>The same, for options whose absence means "the command decides" (null).</summary>
    public static Option<T?> OptionalNumberOption<T>(string name, string description, T min, T max, params string[] aliases)
        where T : struct, INumber<T>, IMinMaxValue<T> => new(name, aliases)
    {
        Description = description,
        CustomParser = r => ParseNumber(r, min, max),
    };

    /// <summary>A duration option (30s, 500ms, 5m, 1h), in the one syntax of <see cref="Durations"/>.</summary>
    public static Option<TimeSpan?> DurationOption(string name, string description, params string[] aliases) => new(name, aliases)
    {
        Description = description,
        HelpName = "DURATION",
        CustomParser = r =>
        {
            var value = Durations.Parse(r, TimeSpan.Zero);
            if (r.Tokens.Count > 0 && value <= TimeSpan.Zero && !r.Errors.Any())
            {
                r.AddError($"{NameOf(r)} must be more than 0 ({Durations.Examples})");
            }

            return value;
        },
    };

    /// <summary>A byte-size option (8MiB, 512KiB, a number of bytes), in the one syntax of <see cref="ByteSizes"/>.</summary>
    public static Option<int> SizeOption(string name, string description, int min, int max, int defaultValue) => new(name)
    {
        Description = description,
        HelpName = "SIZE",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r => ByteSizes.Parse(r, min, max, defaultValue),
    };

    /// <summary>A choice among fixed words; the error lists them instead of naming an enum type.</summary>
    public static Option<string> ChoiceOption(string name, string description, string defaultValue, string[] choices, params string[] aliases)
    {
        var option = new Option<string>(name, aliases)
        {
            Description = description,
            HelpName = string.Join('|', choices),
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r =>
            {
                var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : defaultValue;
                var match = choices.FirstOrDefault(c => string.Equals(c, text, StringComparison.OrdinalIgnoreCase));
                if (match is null)
                {
                    r.AddError($"{NameOf(r)} must be one of {string.Join(", ", choices)}, not '{text}'");
                }

                return match ?? defaultValue;
            },
        };
        option.CompletionSources.Add(choices);
        return option;
    }

    internal static int? ParsePort(ArgumentResult result, bool allowZero)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = result.Tokens[0].Value;
        if (TryParsePort(text, allowZero, out var port))
        {
            return port;
        }

        result.AddError(PortError(NameOf(result), text, allowZero));
        return null;
    }

    private static T? ParseNumber<T>(ArgumentResult result, T min, T max)
        where T : struct, INumber<T>, IMinMaxValue<T>
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = result.Tokens[0].Value;
        if (!T.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            result.AddError($"{NameOf(result)} must be a whole number, not '{text}'");
            return null;
        }

        if (value < min || value > max)
        {
            result.AddError($"{NameOf(result)} must be from {Format(min)} to {Format(max)}, not {text}");
            return null;
        }

        return value;
    }

    private static string Format<T>(T value)
        where T : INumber<T> => value is IFormattable f ? f.ToString("N0", CultureInfo.InvariantCulture) : value.ToString() ?? "";

    /// <summary>
    /// Adds a validator that runs only when every value parsed. Values are parsed lazily, the first time one is
    /// read; one that does not parse has recorded its own error (which the user sees) and throws when read, and the
    /// validator would only repeat it, so it stops there.
    /// </summary>
    public static void AddValidator(Command command, Action<CommandResult> validate) => command.Validators.Add(result =>
    {
        if (result.Children.All(Parses))
        {
            validate(result);
        }
    });

    private static bool Parses(SymbolResult child)
    {
        if (child.Errors.Any())
        {
            return false;
        }

        try
        {
            _ = child switch
            {
                OptionResult option => option.GetValueOrDefault<object?>(),
                ArgumentResult argument => argument.GetValueOrDefault<object?>(),
                _ => null,
            };
            return true;
        }
        catch (InvalidOperationException)
        {
            // Only conversion runs here: the value did not parse, and its parser has recorded the error.
            return false;
        }
    }

    /// <summary>Limits a word to fixed choices, with the error on one line ("must be one of bash, zsh, not 'fish'").</summary>
    public static T OnlyFrom<T>(this T symbol, params string[] choices)
        where T : Symbol
    {
        Action<SymbolResult> check = r =>
        {
            foreach (var token in r.Tokens)
            {
                if (!choices.Contains(token.Value, StringComparer.Ordinal))
                {
                    r.AddError($"{(symbol is Option o ? o.Name : symbol.Name.ToUpperInvariant())} must be one of {string.Join(", ", choices)}, not '{token.Value}'");
                }
            }
        };
        switch (symbol)
        {
            case Option option:
                option.Validators.Add(r => check(r));
                option.CompletionSources.Add(choices);
                break;
            case Argument argument:
                argument.Validators.Add(r => check(r));
                argument.CompletionSources.Add(choices);
                break;
        }

        return symbol;
    }
}
