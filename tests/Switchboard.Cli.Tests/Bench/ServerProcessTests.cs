using Switchboard.Cli.Commands.Bench;

namespace Switchboard.Cli.Tests.Bench;

public sealed class ServerProcessTests
{
    [Fact]
    public void Cpu_time_is_utime_plus_stime_after_a_command_name_with_spaces_and_parentheses()
    {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        const string stat = "4242 (my (odd) server) S 1 4242 4242 0 -1 4194560 900 0 3 0 150 50 7 9 20 0 12 0 5 0";
        Assert.Equal(TimeSpan.FromSeconds(2), ServerProcess.ParseCpuTime(stat, 100));
        Assert.Equal(TimeSpan.FromSeconds(0.8), ServerProcess.ParseCpuTime(stat, 250));
    }

    [Theory]
    [InlineData("")]
    [InlineData("4242 (cut short) S 1 2")]
    [InlineData("4242 (bad) S 1 4242 4242 0 -1 4194560 900 0 3 0 x 50 7")]
    public void A_stat_line_that_cannot_be_read_gives_no_cpu_time(string stat)
    {
        Assert.Null(ServerProcess.ParseCpuTime(stat, 100));
    }

    [Fact]
    public void The_cpu_time_of_this_process_grows_with_the_work_it_does()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Null(ServerProcess.CpuTime(Environment.ProcessId));
            return;
        }

        var before = ServerProcess.CpuTime(Environment.ProcessId);
        Assert.NotNull(before);
        // Spin until the process has used 300 ms more CPU by getrusage(2) (Environment.CpuUsage), an independent
        // count, however long the loaded machine takes to give it that.
        var from = Environment.CpuUsage.TotalTime;
        var x = 0UL;
        while (Environment.CpuUsage.TotalTime - from < TimeSpan.FromMilliseconds(300))
        {
            for (var i = 0; i < 100_000; i++)
            {
                x = (x * 6364136223846793005UL) + 1442695040888963407UL;
            }
        }

        var after = ServerProcess.CpuTime(Environment.ProcessId);
        Assert.NotEqual(0UL, x | 1);
        // /proc counts whole clock ticks: allow one tick (10 ms) of rounding at each end, and a little more.
        Assert.True(after - before >= TimeSpan.FromMilliseconds(270), $"{before} -> {after}");
    }
}
