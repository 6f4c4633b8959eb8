using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace Switchboard.Benchmarks;

internal static class Program
{
    // Pass BenchmarkDotNet's own arguments through: --filter '*Line*', --job short, --list flat ...
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, MicroConfig.Create());
}
