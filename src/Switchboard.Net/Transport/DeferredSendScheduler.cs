namespace Switchboard.Net;

/// <summary>
/// Wakes drain loops on the thread pool, except inside a <see cref="SwitchboardConnection.DeferSends"/> scope on
/// the current thread: there the wake-ups are held until the scope ends. A connection written to many times in the
/// scope (a batch of chat messages to every member of a room) then sends all of it in one system call, instead of
/// one wake-up and one system call per message.
/// </summary>
internal sealed class DeferredSendScheduler : System.IO.Pipelines.PipeScheduler
{
    public static readonly DeferredSendScheduler Instance = new();

    [ThreadStatic]
    private static List<(Action<object?> Action, object? State)>? t_deferred;

    [ThreadStatic]
    private static int t_depth;

    public override void Schedule(Action<object?> action, object? state)
    {
        if (t_depth > 0)
        {
            (t_deferred ??= []).Add((action, state));
            return;
        }

        System.Threading.ThreadPool.UnsafeQueueUserWorkItem(action, state, preferLocal: false);
    }

    public static IDisposable Enter()
    {
        t_depth++;
        return new Scope();
    }

    /// <summary>Ends a deferral; the outermost end hands every held wake-up to the thread pool.</summary>
    private sealed class Scope : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (--t_depth > 0 || t_deferred is not { Count: > 0 } deferred)
            {
                return;
            }

            // The held drain loops run here, on the thread that ends the scope (the store's delivery loop), one
            // after another: each makes one non-blocking send and parks again (or, if the socket is full, finishes
            // later on the socket's completion). Handing each to the pool instead cost a wake-up per recipient on
            // a machine where the receivers, the senders and the pool compete for the same cores.
            // Copied out first: a drain loop that ends may send on this thread again (a scope is never nested in it,
            // but the list must not change under the loop).
            var held = deferred.ToArray();
            deferred.Clear();
            foreach (var (action, state) in held)
            {
                action(state);
            }
        }
    }
}
