namespace Switchboard.Net.Tests.Transport;

internal static class TestTimeout
{
    /// <summary>Generous: a bound on hangs, never a speed assertion.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(20);

    public static CancellationToken Token() => new CancellationTokenSource(Default).Token;

    public static async Task<T> Within<T>(this Task<T> task) => await task.WaitAsync(Default);

    public static async Task Within(this Task task) => await task.WaitAsync(Default);

    /// <summary>Polls until the condition holds, failing after the default timeout.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Default;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting until {what}");
            }

            await Task.Delay(20);
        }
    }
}
