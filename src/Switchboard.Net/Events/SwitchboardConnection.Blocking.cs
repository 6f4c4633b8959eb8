using System.Buffers;
using Switchboard.Net.Framing;

namespace Switchboard.Net;

/// <summary>
/// Qt's blocking conveniences (waitForConnected, waitForReadyRead, ...) for small scripts, tests and code that
/// runs on a thread of its own, as Qt's blocking fortune client does. They block the calling thread: never call
/// them from an event handler or anywhere an async caller would be better served by the async methods.
/// </summary>
public sealed partial class SwitchboardConnection
{
    private TaskCompletionSource? _activity;
    private System.IO.Pipelines.ReadResult? _heldRead;
    private int _waiters;

    /// <summary>
    /// Blocks until the connection is connected (true), or it failed, closed or the time ran out (false). A failed
    /// connect returns only after its <see cref="ErrorOccurred"/> was raised, so the error is known on return (as
    /// Qt's errorString() is after waitForConnected).
    /// </summary>
    public bool WaitForConnected(TimeSpan timeout)
        => WaitUntil(() => State is ConnectionState.Connected or ConnectionState.Closing || State == ConnectionState.Closed && !Volatile.Read(ref _connectPending), timeout)
           && State is ConnectionState.Connected or ConnectionState.Closing;

    /// <summary>
    /// Blocks until new bytes can be read (true), or the peer ended the stream, the connection closed or the time
    /// ran out (false). Without <see cref="StartReading(CancellationToken)"/> it reads into the input buffer without consuming:
    /// take what came with <see cref="TryReadMessage{T}"/>. The read it makes stays open until then (or until the
    /// next wait), so do not read <see cref="Input"/> directly in between. With the read loop running it waits
    /// for the loop's next event. A peer that ended the stream leaves the connection closed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The connection was never connected.</exception>
    public bool WaitForReadyRead(TimeSpan timeout)
    {
        var input = Input;
        if (IsReading)
        {
            var seen = Interlocked.Read(ref _dataEvents);
            return WaitUntil(() => Interlocked.Read(ref _dataEvents) != seen || State == ConnectionState.Closed, timeout)
                   && Interlocked.Read(ref _dataEvents) != seen;
        }

        if (State == ConnectionState.Closed)
        {
            return false;
        }

        // What the last wait saw counts as seen: this one waits for bytes beyond it.
        ReleaseHeldRead(examinedAll: true);
        using var deadline = new CancellationTokenSource(timeout);
        System.IO.Pipelines.ReadResult result;
        try
        {
            result = Block(() => input.ReadAsync(deadline.Token).AsTask());
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (Exception ex) when (Classify(ex) is var error)
        {
            if (error is not null)
            {
                RaiseError(error);
                Abort(error.Message);
            }

            return false;
        }

        if (result.Buffer.IsEmpty && result.IsCompleted)
        {
            input.AdvanceTo(result.Buffer.End);
            Block(async () =>
            {
                await EndAfterPeerAsync();
                return true;
            });
            return false;
        }

        // The read stays open (nothing consumed) for TryReadMessage: a pipe's TryRead would not hand back bytes
        // that were already examined.
        _heldRead = result;
        DataArrived();
        return true;
    }

    /// <summary>Ends the read a <see cref="WaitForReadyRead"/> left open, consuming nothing.</summary>
    private void ReleaseHeldRead(bool examinedAll)
    {
        if (_heldRead is { } held)
        {
            _heldRead = null;
            Input.AdvanceTo(held.Buffer.Start, examinedAll ? held.Buffer.End : held.Buffer.Start);
        }
    }

    /// <summary>
    /// Takes one whole message from the bytes already received, without waiting (QDataStream's read transaction):
    /// false when they do not hold a whole message yet, and nothing is consumed then. The message must not refer
    /// to the input (a string codec such as a fortune codec is fine; a <see cref="LineReader"/>'s bytes are not).
    /// Do not use it while <see cref="StartReading(CancellationToken)"/> runs.
    /// </summary>
    /// <exception cref="FramingException">The bytes can never become a valid message.</exception>
    public bool TryReadMessage<T>(IMessageReader<T> reader, out T message)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var input = Input;
        if (IsReading)
        {
            throw new InvalidOperationException("the read loop of StartReading owns the input");
        }

        message = default!;
        System.IO.Pipelines.ReadResult result;
        if (_heldRead is { } held)
        {
            _heldRead = null;
            result = held;
        }
        else if (!input.TryRead(out result))
        {
            return false;
        }

        var buffer = result.Buffer;
        var consumed = buffer.Start;
        var examined = buffer.Start;
        bool parsed;
        try
        {
            parsed = !buffer.IsEmpty && reader.TryParseMessage(buffer, ref consumed, ref examined, out message);
        }
        catch
        {
            input.AdvanceTo(buffer.Start, buffer.End);
            throw;
        }

        if (!parsed)
        {
            // Hold it again: the next wait counts these bytes as seen, and this call can be repeated.
            _heldRead = result;
            return false;
        }

        input.AdvanceTo(consumed);
        CountMessageReceived();
        return true;
    }

    /// <summary>Blocks until the send buffer is empty (true: everything was handed to the socket), or the connection closed or the time ran out (false).</summary>
    public bool WaitForBytesWritten(TimeSpan timeout)
        => WaitUntil(() => QueuedBytes == 0 || State == ConnectionState.Closed, timeout) && QueuedBytes == 0;

    /// <summary>
    /// Blocks until the connection is <see cref="ConnectionState.Closed"/> (true) or the time ran out (false). A
    /// peer's close is seen by whoever reads: the loop of <see cref="StartReading(CancellationToken)"/> or <see cref="WaitForReadyRead"/>.
    /// </summary>
    public bool WaitForDisconnected(TimeSpan timeout) => WaitUntil(() => State == ConnectionState.Closed, timeout);

    /// <summary>Waits for <paramref name="done"/>, re-checking it after each state change, data event or write.</summary>
    private bool WaitUntil(Func<bool> done, TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        Interlocked.Increment(ref _waiters);
        try
        {
            while (true)
            {
                // Take the signal before testing, so a change between the test and the wait is not missed.
                var signal = Volatile.Read(ref _activity);
                if (signal is null)
                {
                    Interlocked.CompareExchange(ref _activity, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);
                    continue;
                }

                if (done())
                {
                    return true;
                }

                var left = deadline - Environment.TickCount64;
                if (left <= 0)
                {
                    return false;
                }

                signal.Task.Wait(TimeSpan.FromMilliseconds(left));
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiters);
        }
    }

    /// <summary>
    /// Runs async work to completion on the pool, away from the caller's synchronization context, so a blocked
    /// caller on a single-threaded context cannot deadlock the continuation it waits for.
    /// </summary>
    private static T Block<T>(Func<Task<T>> work) => Task.Run(work).GetAwaiter().GetResult();

    /// <summary>Wakes the blocking waiters, if any; costs one read when there are none.</summary>
    private void Pulse()
    {
        if (Volatile.Read(ref _waiters) > 0)
        {
            Interlocked.Exchange(ref _activity, null)?.TrySetResult();
        }
    }
}
