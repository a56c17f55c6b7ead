using StackExchange.Redis;

namespace Todo.SharedOutputCache;

/// <summary>
/// What a lookup found: a cached response (<see cref="Entry"/>), or the current <see cref="Generation"/> of the key's
/// tag, which the response computed now may be stored under; neither when the store could not be asked.
/// </summary>
internal readonly record struct CacheLookup(CachedEntry? Entry, long? Generation)
{
    public static readonly CacheLookup Unavailable = default;

    public static CacheLookup Hit(CachedEntry entry) => new(entry, null);

    public static CacheLookup Miss(long generation) => new(null, generation);
}

/// <summary>
/// A stored entry in a pooled buffer from Redis (from <c>offset</c> on), read by one request or by every request that
/// shared its lookup: the buffer goes back to the pool once each of them has disposed of it.
/// </summary>
internal sealed class CachedEntry(Lease<byte> lease, int offset) : IDisposable
{
    private int _readers = 1;

    public ReadOnlyMemory<byte> Memory => lease.Memory[offset..];

    /// <summary>Hands the entry to <paramref name="readers"/> requests; called once, before any of them reads it.</summary>
    public CachedEntry SharedBy(int readers)
    {
        _readers = readers;
        return this;
    }

    public void Dispose()
    {
        if (Interlocked.Decrement(ref _readers) == 0)
        {
            lease.Dispose();
        }
    }
}
