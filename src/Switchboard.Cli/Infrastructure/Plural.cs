using System.Globalization;

namespace Switchboard.Cli.Infrastructure;

/// <summary>"1 connection", "2 connections": counts in messages read as English.</summary>
internal static class Plural
{
    public static string Of(long count, string singular, string? plural = null) =>
        $"{count.ToString(CultureInfo.InvariantCulture)} {(count == 1 ? singular : plural ?? singular + "s")}";
}
