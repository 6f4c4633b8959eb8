namespace Switchboard.Cli.Infrastructure;

/// <summary>
/// Runs socket completions on the runtime's I/O threads instead of handing each one to the thread pool. The
/// runtime reads <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c> once per process, when its socket engine
/// starts (at the first asynchronous socket operation), so this must run before any socket is used. Only for
/// handlers that never block (listen's echo and relay): a blocking handler would stall every socket of its I/O
/// thread. Measured side by side (docs/BENCHMARKS.md): an echoed message then crosses no thread, which brings the
/// round trip near sockperf's and lowers CPU per echoed message.
/// </summary>
internal static class InlineSocketCompletions
{
    private const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Turns them on unless the user has set the variable either way (=0 keeps pool completions).</summary>
    public static void PreferInline()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }
}
