using System.CommandLine;
using Switchboard.Cli.Infrastructure;
using Switchboard.Net.Qt.Fortune;

namespace Switchboard.Cli.Commands.Fortune;

/// <summary><c>switchboard fortune</c>: Qt's fortune server and client, byte-compatible with Qt's examples.</summary>
internal static class FortuneCommand
{
    public static Command Create() => new("fortune", "Qt's fortune server and client, byte for byte as Qt's examples (TCP and local sockets). See docs/FORTUNE.md.")
    {
        FortuneServeCommand.Create(),
        FortuneGetCommand.Create(),
    };

    /// <summary>The --framing option shared by both subcommands; null when not given (the transport's default).</summary>
    internal static Option<string?> FramingOption() => new Option<string?>("--framing")
    {
        Description = "Wire framing: qt5 (the QString alone, Qt 5's fortuneserver; default over TCP), qt4 (quint16 block size, then the QString), local (quint32 UTF-16 length, then the QString, Qt's localfortuneserver; default over --local).",
        HelpName = "qt5|qt4|local",
    }.OnlyFrom("qt5", "qt4", "local");

    internal static FortuneFraming ResolveFraming(string? text, bool local) => text switch
    {
        "qt5" => FortuneFraming.Qt5,
        "qt4" => FortuneFraming.Qt4,
        "local" => FortuneFraming.Local,
        _ => local ? FortuneCodecs.DefaultLocalFraming : FortuneCodecs.DefaultTcpFraming,
    };

    internal static string Name(FortuneFraming framing) => framing.ToString().ToLowerInvariant();
}
