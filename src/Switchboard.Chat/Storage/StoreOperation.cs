namespace Switchboard.Chat.Storage;

/// <summary>
/// One write handed to the <see cref="GroupCommitWriter"/>. It is applied inside a batch transaction; only
/// after that transaction commits (and, for messages, after delivery) does <see cref="Complete"/> run.
/// </summary>
internal abstract class StoreOperation
{
    public abstract void Apply(IStoreBatch batch);

    public abstract void Complete();

    public abstract void Fail(Exception error);
}

/// <summary>The writes a store knows, applied in the open transaction of one group commit.</summary>
internal interface IStoreBatch
{
    /// <summary>Adds a message to the batch; the store assigns its id (<see cref="AppendMessageOperation.Assign"/>) before commit.</summary>
    void Append(AppendMessageOperation message);

    void SetTopic(string room, string? topic, string by, DateTimeOffset time);

    void SetBan(ChatBan ban);

    void RemoveBan(string kind, string value);
}

/// <summary>Appends one message; the store delivers it once it is durable.</summary>
internal sealed class AppendMessageOperation(ChatMessageKind kind, string? room, string sender, string? target, string text) : StoreOperation
{
    private readonly TaskCompletionSource<ChatMessage> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ChatMessageKind Kind { get; } = kind;

    public string? Room { get; } = room;

    public string Sender { get; } = sender;

    public string? Target { get; } = target;

    public string Text { get; } = text;

    public DateTimeOffset Time { get; } = DateTimeOffset.UtcNow;

    /// <summary>The stored message, once the store assigned its id.</summary>
    public ChatMessage? Message { get; private set; }

    /// <summary>Completes with the stored message after commit and delivery.</summary>
    public Task<ChatMessage> Completion => _done.Task;

    public ChatMessage Assign(long id) => Message = new ChatMessage(id, Kind, Room, Sender, Target, Text, Time);

    public override void Apply(IStoreBatch batch) => batch.Append(this);

    public override void Complete() => _done.TrySetResult(Message!);

    public override void Fail(Exception error)
    {
        Message = null;
        _done.TrySetException(error);
    }
}

/// <summary>Any other write (a ban, a topic, or nothing: a barrier) riding in the next group commit.</summary>
internal sealed class ActionOperation(Action<IStoreBatch> apply) : StoreOperation
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Completion => _done.Task;

    public override void Apply(IStoreBatch batch) => apply(batch);

    public override void Complete() => _done.TrySetResult();

    public override void Fail(Exception error) => _done.TrySetException(error);
}
