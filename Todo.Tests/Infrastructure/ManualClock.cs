namespace Todo.Tests.Infrastructure;

/// <summary>A clock that says what the test sets, and moves only when told.</summary>
public sealed class ManualClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch;

    public override DateTimeOffset GetUtcNow() => Now;
}
