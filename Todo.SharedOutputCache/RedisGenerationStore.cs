using System.Buffers.Binary;
using StackExchange.Redis;

namespace Todo.SharedOutputCache;

/// <summary>
/// Cached responses in Redis, each stamped with the generation its tag had before the response was computed.
/// A write moves the tag to a new generation: every entry stamped with an older one is invisible at once, however many
/// there are, and a response computed while the generation moved on is never stored (a script checks and stores in
/// one step, so no write can come between). Keys: <c>{prefix}{tag}</c> holds the generation, <c>{prefix}{tag}:{variant}</c>
/// an entry (the generation it was stored under, 8 bytes little-endian, then the response), <c>{prefix}{tag}#{generation}</c>
/// how many entries that generation has; the braces put them in one cluster slot.
/// </summary>
/// <remarks>
/// A lookup reads the generation and the entry with two commands sent together, one round trip and no script: a script
/// would copy a large entry twice more inside Redis on every hit (bench/results/README.md). The two need no atomicity:
/// a write that lands between them either leaves a match the request was entitled to (it began before the write was
/// acknowledged) or makes a miss. The entry arrives in a pooled buffer
/// (a lease the caller returns), so a hit allocates nothing the size of the response.
/// A generation is the Redis server's clock in microseconds when it was made (or its predecessor plus one), so one
/// that was lost (expired, evicted, or Redis restarted) is made again with a value no surviving entry can carry.
/// A write costs one command whatever is cached: entries of older generations are never read again and go when they
/// expire (or earlier, as the least recently used, when Redis runs short of memory). Each generation stores at most
/// <c>maximumEntries</c> entries, so a client that asks for endless variants (pages after every id) cannot fill Redis,
/// and a key's quota stores at most <c>maximumBytesPerQuota</c> per entry lifetime, counted in <c>{prefix}{quota}#quota</c>
/// (a slot of its own, so charged by a command of its own before the store), so no one owner's pages fill it either.
/// </remarks>
internal sealed class RedisGenerationStore(IConnectionMultiplexer redis, string keyPrefix, TimeSpan entryLifetime, int maximumEntries,
    long maximumBytesPerQuota)
{
    private const int StampLength = sizeof(long);

    // The tag's generation, made now if it has none.
    private const string GenerationScript = """
        local generation = redis.call('GET', KEYS[1])
        if not generation then
          local now = redis.call('TIME')
          generation = string.format('%.0f', now[1] * 1000000 + now[2])
          redis.call('SET', KEYS[1], generation, 'PX', ARGV[1])
        end
        return tonumber(generation)
        """;

    // Stores only if the generation is still the one the lookup returned, and has room.
    private const string StoreScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then
          return 0
        end
        local count = redis.call('INCR', KEYS[3])
        if count == 1 then
          redis.call('PEXPIRE', KEYS[3], ARGV[4])
        end
        if count > tonumber(ARGV[5]) then
          return 2
        end
        redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return 1
        """;

    // Adds the entry's bytes to what its quota stored in this window (which starts with its first entry) if they fit.
    private const string ChargeScript = """
        local used = tonumber(redis.call('GET', KEYS[1]) or '0')
        if used + tonumber(ARGV[1]) > tonumber(ARGV[3]) then
          return 0
        end
        if redis.call('INCRBY', KEYS[1], ARGV[1]) == tonumber(ARGV[1]) then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 1
        """;

    private const string InvalidateScript = """
        local now = redis.call('TIME')
        local generation = now[1] * 1000000 + now[2]
        local current = tonumber(redis.call('GET', KEYS[1]))
        if current and current >= generation then
          generation = current + 1
        end
        redis.call('SET', KEYS[1], string.format('%.0f', generation), 'PX', ARGV[1])
        return 1
        """;

    private readonly long _entryLifetimeMilliseconds = (long)entryLifetime.TotalMilliseconds;

    // A generation outlives every entry stamped with it, so no entry is lost to its generation's expiry.
    private readonly long _generationLifetimeMilliseconds = 2 * (long)entryLifetime.TotalMilliseconds;

    private IDatabase Database => redis.GetDatabase();

    /// <summary>
    /// The entry if its stamp is its tag's generation (the caller disposes it); else that generation, read before the
    /// caller computes anything.
    /// </summary>
    public async Task<CacheLookup> LookupAsync(SharedOutputCacheKey key)
    {
        var database = Database;
        var generationKey = GenerationKey(key);
        var generation = database.StringGetAsync(generationKey);
        var entry = database.StringGetLeaseAsync(EntryKey(key));
        Lease<byte>? stored = null;
        try
        {
            var current = await generation;
            stored = await entry;
            if (current.IsNull)
            {
                return CacheLookup.Miss((long)await database.ScriptEvaluateAsync(GenerationScript, [generationKey], [_generationLifetimeMilliseconds]));
            }
            if (stored is { Length: > StampLength } && BinaryPrimitives.ReadInt64LittleEndian(stored.Span) == (long)current)
            {
                var hit = CacheLookup.Hit(new CachedEntry(stored, StampLength));
                stored = null;
                return hit;
            }
            return CacheLookup.Miss((long)current);
        }
        finally
        {
            stored?.Dispose();
        }
    }

    /// <summary>
    /// Stores <paramref name="response"/> unless a write moved the tag past <paramref name="generation"/>, the generation
    /// is full, or the key's quota has no room left in this window.
    /// </summary>
    public async Task<StoreOutcome> TryStoreAsync(SharedOutputCacheKey key, long generation, ReadOnlyMemory<byte> response)
    {
        if (key.Quota is { } quota && (long)await Database.ScriptEvaluateAsync(ChargeScript, [QuotaKey(quota)],
                [StampLength + response.Length, _entryLifetimeMilliseconds, maximumBytesPerQuota]) == 0)
        {
            return StoreOutcome.OverQuota;
        }
        var entry = new byte[StampLength + response.Length];
        BinaryPrimitives.WriteInt64LittleEndian(entry, generation);
        response.Span.CopyTo(entry.AsSpan(StampLength));
        var stored = await Database.ScriptEvaluateAsync(StoreScript,
            [GenerationKey(key), EntryKey(key), $"{GenerationKey(key)}#{generation}"],
            [generation, entry, _entryLifetimeMilliseconds, _generationLifetimeMilliseconds, maximumEntries]);
        return (StoreOutcome)(long)stored;
    }

    public Task InvalidateAsync(string tag) =>
        Database.ScriptEvaluateAsync(InvalidateScript, [GenerationKey(tag)], [_generationLifetimeMilliseconds]);

    private RedisKey GenerationKey(SharedOutputCacheKey key) => $"{keyPrefix}{{{key.Tag}}}";

    private RedisKey GenerationKey(string tag) => $"{keyPrefix}{{{SharedOutputCacheKey.ValidTag(tag)}}}";

    private RedisKey EntryKey(SharedOutputCacheKey key) => $"{keyPrefix}{{{key.Tag}}}:{key.Variant}";

    private RedisKey QuotaKey(string quota) => $"{keyPrefix}{{{quota}}}#quota";
}

/// <summary>What became of a response offered to <see cref="RedisGenerationStore"/>.</summary>
internal enum StoreOutcome
{
    /// <summary>A write invalidated the tag while the response was computed: it may already be stale.</summary>
    Stale = 0,
    Stored = 1,
    /// <summary>The generation already holds its maximum number of entries.</summary>
    Full = 2,
    /// <summary>The key's quota has stored its allowance of bytes in this window.</summary>
    OverQuota = 3,
}
