namespace Switchboard.Web.Live;

/// <summary>
/// Events waiting for the next flush to one page. Bounded: past the capacity the oldest are dropped and counted,
/// so a burst of thousands of events a second costs a fixed amount of memory per page, not a growing queue.
/// </summary>
internal sealed class EventBacklog<T>(int capacity)
{
    private readonly Queue<T> _items = new();
    private readonly Lock _gate = new();
    private long _dropped;

    public void Add(T item)
    {
        lock (_gate)
        {
            if (_items.Count >= capacity)
            {
                _items.Dequeue();
                _dropped++;
            }

            _items.Enqueue(item);
        }
    }

    /// <summary>Takes everything waiting, and how many were dropped since the last take.</summary>
    public (T[] Items, long Dropped) TakeAll()
    {
        lock (_gate)
        {
            var items = _items.ToArray();
            _items.Clear();
            var dropped = _dropped;
            _dropped = 0;
            return (items, dropped);
        }
    }
}
