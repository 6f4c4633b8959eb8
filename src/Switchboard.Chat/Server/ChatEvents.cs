using Microsoft.Extensions.Logging;

namespace Switchboard.Chat.Server;

/// <summary>
/// Where the server's events go: the bounded subscriptions of <see cref="ChatServer.Subscribe"/> and the synchronous
/// <see cref="ChatServer.EventRaised"/> handlers. Publishing never waits on a reader.
/// </summary>
internal sealed class ChatEvents(object sender, ILogger logger)
{
    private readonly Lock _gate = new();
    private ChatEventSubscription[] _subscribers = [];

    public event EventHandler<ChatServerEvent>? Raised;

    public ChatEventSubscription Subscribe(int capacity)
    {
        var subscription = new ChatEventSubscription(capacity, Unsubscribe);
        lock (_gate)
        {
            _subscribers = [.. _subscribers, subscription];
        }

        return subscription;
    }

    public void Publish(ChatServerEvent e)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.Publish(e);
        }

        try
        {
            Raised?.Invoke(sender, e);
        }
        catch (Exception ex)
        {
            // An observer's bug must not break the chat.
            ChatServer.Log.ObserverFailed(logger, ex);
        }
    }

    /// <summary>Ends every subscription (the server stopped).</summary>
    public void CompleteAll()
    {
        lock (_gate)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Complete();
            }

            _subscribers = [];
        }
    }

    private void Unsubscribe(ChatEventSubscription subscription)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers.Where(s => !ReferenceEquals(s, subscription))];
        }
    }
}
