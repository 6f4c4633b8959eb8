namespace Switchboard.Net.Qt.Fortune;

/// <summary>
/// Picks a random fortune, never the one a client got last time. Clients are remembered by a key (their address);
/// at most <see cref="MaxClients"/> are kept, so a flood of addresses cannot grow memory without bound.
/// </summary>
internal sealed class FortunePicker
{
    public const int MaxClients = 10_000;

    private readonly IReadOnlyList<string> _fortunes;
    private readonly Random _random;
    private readonly Dictionary<string, int> _lastByClient = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public FortunePicker(IReadOnlyList<string> fortunes, Random random)
    {
        _fortunes = fortunes;
        _random = random;
    }

    public string Next(string clientKey)
    {
        lock (_gate)
        {
            int index;
            if (_fortunes.Count == 1)
            {
                index = 0;
            }
            else if (_lastByClient.TryGetValue(clientKey, out int last))
            {
                // Draw from the other n-1 fortunes: uniform, and never the last one.
                index = _random.Next(_fortunes.Count - 1);
                if (index >= last)
                {
                    index++;
                }
            }
            else
            {
                index = _random.Next(_fortunes.Count);
            }

            if (!_lastByClient.ContainsKey(clientKey) && _lastByClient.Count >= MaxClients)
            {
                _lastByClient.Remove(_lastByClient.Keys.First());
            }

            _lastByClient[clientKey] = index;
            return _fortunes[index];
        }
    }
}
