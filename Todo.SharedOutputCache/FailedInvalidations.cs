using System.Collections.Concurrent;

namespace Todo.SharedOutputCache;

/// <summary>
/// Tags whose invalidation did not reach Redis, to be invalidated again as soon as it answers: until then, an entry that
/// a read stored from the rows the write replaced may be served stale on every instance. A tag is given up once every
/// such entry has expired, and at most <see cref="Capacity"/> are kept (past it the entry lifetime alone bounds staleness).
/// </summary>
internal sealed class FailedInvalidations(TimeProvider clock, TimeSpan entryLifetime)
{
    public const int Capacity = 10_000;

    // A read that began before the write may store its entry a little after it; that entry lives one lifetime more.
    private readonly TimeSpan _keepFor = 2 * entryLifetime;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _failedAt = new();

    public void Add(string tag)
    {
        if (_failedAt.Count < Capacity || _failedAt.ContainsKey(tag))
        {
            _failedAt[tag] = clock.GetUtcNow();
        }
    }

    /// <summary>The tags still worth invalidating, each with the time of its latest failure; older ones are forgotten.</summary>
    public List<KeyValuePair<string, DateTimeOffset>> Due()
    {
        var givenUpBefore = clock.GetUtcNow() - _keepFor;
        var due = new List<KeyValuePair<string, DateTimeOffset>>();
        foreach (var failure in _failedAt)
        {
            if (failure.Value < givenUpBefore)
            {
                _failedAt.TryRemove(failure);
            }
            else
            {
                due.Add(failure);
            }
        }
        return due;
    }

    /// <summary>Forgets <paramref name="failure"/>, unless the tag failed again since.</summary>
    public void Resolved(KeyValuePair<string, DateTimeOffset> failure) => _failedAt.TryRemove(failure);
}
