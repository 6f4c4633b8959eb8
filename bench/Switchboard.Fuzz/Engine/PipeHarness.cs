using System.Buffers;
using System.IO.Pipelines;
using Switchboard.Net.Framing;

namespace Switchboard.Fuzz.Engine;

/// <summary>
/// Feeds bytes, cut into chunks, through a real <see cref="ProtocolReader{T}"/> over a real <see cref="Pipe"/>,
/// synchronously: the pipe schedules inline, so each flush runs the reader until it wants more. Records what the
/// reader produced (messages, errors) and fails on any exception that is not a <see cref="FramingException"/>, on
/// a reader that holds more unconsumed bytes than <c>retainBound</c> (it buffered past its maximum instead of
/// refusing), and on a reader that neither answers nor ends once the stream is complete.
/// </summary>
internal static class PipeHarness
{
    public static string Run<T>(IMessageReader<T> codec, byte[] input, int[] cuts, int segmentSize, long retainBound, Func<T, string> describe)
    {
        var pipe = new Pipe(new PipeOptions(
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: 0,
            minimumSegmentSize: segmentSize,
            useSynchronizationContext: false));
        var meter = new MeteredPipeReader(pipe.Reader);
        var reader = new ProtocolReader<T>(meter, codec);
        var events = new List<string>();
        var next = 0;
        var written = false;
        while (true)
        {
            var pending = reader.ReadAsync();
            while (!pending.IsCompleted)
            {
                if (meter.Retained > retainBound)
                {
                    throw new FuzzFailure($"the reader keeps {meter.Retained} bytes unconsumed, over its bound of {retainBound}: it buffers instead of refusing");
                }

                if (written)
                {
                    // Inline scheduling makes every step synchronous; an unfinished read now is a hang.
                    if (!pending.AsTask().Wait(TimeSpan.FromSeconds(10)))
                    {
                        throw new FuzzFailure("the reader neither returned nor failed after the stream ended");
                    }

                    break;
                }

                if (next <= cuts.Length)
                {
                    var end = next < cuts.Length ? cuts[next] : input.Length;
                    var start = next == 0 ? 0 : cuts[next - 1];
                    pipe.Writer.Write(input.AsSpan(start, end - start));
                    _ = pipe.Writer.FlushAsync();
                    next++;
                }
                else
                {
                    pipe.Writer.Complete();
                    written = true;
                }
            }

            try
            {
                var result = pending.GetAwaiter().GetResult();
                if (result.IsCompleted)
                {
                    events.Add("end");
                    break;
                }

                events.Add(describe(result.Message));
            }
            catch (FramingException ex)
            {
                events.Add($"{ex.GetType().Name}: {ex.Message}");
                if (!ex.IsRecoverable)
                {
                    break;
                }
            }
            catch (Exception ex) when (ex is not FuzzFailure)
            {
                throw new FuzzFailure($"unexpected {ex.GetType().Name}: {ex.Message}", ex);
            }
        }

        pipe.Reader.Complete();
        pipe.Writer.Complete();
        return string.Join("\n", events);
    }
}
