using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Switchboard.Benchmarks;

/// <summary>
/// A short in-process job: this 2-core machine is shared, so runs are kept brief (a few seconds per benchmark)
/// and in-process (no child project build). Allocations per operation are always shown; every benchmark is one
/// message per operation, so "Allocated" is the allocation per message.
/// </summary>
internal static class MicroConfig
{
    public static IConfig Create() => DefaultConfig.Instance
        .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("short-inprocess"))
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddColumn(StatisticColumn.P95)
        .WithOptions(ConfigOptions.DisableOptimizationsValidator);
}
