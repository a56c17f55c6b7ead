using StackExchange.Redis;
using Todo.SharedOutputCache;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Caching;

/// <summary>
/// The store on its own, against the tests' Redis, each test under a key prefix of its own: an entry is served only
/// under the generation it was stored with, a write on one instance hides it on every other, a tag holds at most its
/// maximum of entries and a quota at most its bytes, and a Redis that does not answer opens the circuit, which only the background probe closes.
/// </summary>
[Collection(TodoSystemCollection.Name)]
[Trait("Category", "Caching")]
public sealed class SharedOutputCacheStoreTests(TodoSystem system) : IAsyncLifetime
{
    private static readonly byte[] s_response = "a cached response"u8.ToArray();

    /// <summary>A time limit Redis misses while paused for a second, and meets with room to spare once it answers.</summary>
    private static readonly TimeSpan s_hastyTimeout = TimeSpan.FromMilliseconds(200);
    private readonly string _prefix = $"store-{Guid.NewGuid():N}/";
    private readonly ManualClock _clock = new();
    private ConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync($"{system.CacheConnectionString},allowAdmin=true");
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task An_entry_stored_under_the_generation_of_its_lookup_is_the_next_lookups_hit()
    {
        var store = Store();
        var key = new SharedOutputCacheKey("todo:1", "owner:ada");

        var miss = await store.LookupAsync(key);
        await store.StoreAsync(key, miss.Generation!.Value, s_response);
        var hit = await store.LookupAsync(key);

        Assert.Null(miss.Entry);
        using var entry = Assert.IsType<CachedEntry>(hit.Entry);
        Assert.Equal(s_response, entry.Memory.ToArray());
    }

    [Fact]
    public async Task A_response_computed_while_a_write_invalidated_its_tag_is_not_stored()
    {
        var store = Store();
        var key = new SharedOutputCacheKey("todo:2");

        var before = await store.LookupAsync(key);
        await store.InvalidateAsync("todo:2");
        await store.StoreAsync(key, before.Generation!.Value, s_response);
        var after = await store.LookupAsync(key);

        Assert.Null(after.Entry);
        Assert.True(after.Generation > before.Generation, "the write did not start a newer generation");
        // Not merely hidden by its stamp: never written (the entry's key is the tag's, then the variant).
        Assert.False(await _redis.GetDatabase().KeyExistsAsync($"{_prefix}{{todo:2}}:"), "the stale response was written to Redis");
    }

    [Fact]
    public async Task An_invalidation_on_one_instance_hides_the_entry_from_every_other()
    {
        await using var otherRedis = await ConnectionMultiplexer.ConnectAsync(system.CacheConnectionString);
        var one = Store();
        var other = Store(redis: otherRedis);
        var key = new SharedOutputCacheKey("todo-lists:ada", "limit=100");
        await one.StoreAsync(key, (await one.LookupAsync(key)).Generation!.Value, s_response);
        using (var seen = (await other.LookupAsync(key)).Entry)
        {
            Assert.NotNull(seen);
        }

        await other.InvalidateAsync("todo-lists:ada");

        Assert.Null((await one.LookupAsync(key)).Entry);
    }

    [Fact]
    public async Task A_generation_stores_at_most_its_maximum_of_entries_and_the_next_generation_has_room_again()
    {
        var store = Store(options => options.MaximumEntriesPerTag = 2);
        SharedOutputCacheKey[] variants = [new("todo-lists", "a"), new("todo-lists", "b"), new("todo-lists", "c")];

        foreach (var variant in variants)
        {
            await store.StoreAsync(variant, (await store.LookupAsync(variant)).Generation!.Value, s_response);
        }
        var stored = await CountHitsAsync(store, variants);
        await store.InvalidateAsync("todo-lists");
        await store.StoreAsync(variants[2], (await store.LookupAsync(variants[2])).Generation!.Value, s_response);

        Assert.Equal(2, stored);
        Assert.Equal(1, await CountHitsAsync(store, variants));
    }

    [Fact]
    public async Task A_quota_stores_at_most_its_bytes_across_instances_and_another_quota_still_stores()
    {
        await using var otherRedis = await ConnectionMultiplexer.ConnectAsync(system.CacheConnectionString);
        var response = new byte[40 * 1024];
        // 64 KiB a quota: one 40 KiB entry fits, a second does not, on whichever instance it is offered.
        Action<SharedOutputCacheOptions> small = options => options.MaximumBytesPerQuota = 64 * 1024;
        var one = Store(small);
        var other = Store(small, otherRedis);
        SharedOutputCacheKey[] alices = [new("todo-lists:alice", "a", "alice"), new("todo-lists:alice", "b", "alice"), new("todo:3", "", "alice")];
        var bobs = new SharedOutputCacheKey("todo-lists:bob", "a", "bob");

        await one.StoreAsync(alices[0], (await one.LookupAsync(alices[0])).Generation!.Value, response);
        await other.StoreAsync(alices[1], (await other.LookupAsync(alices[1])).Generation!.Value, response);
        await one.StoreAsync(alices[2], (await one.LookupAsync(alices[2])).Generation!.Value, response);
        await other.StoreAsync(bobs, (await other.LookupAsync(bobs)).Generation!.Value, response);

        Assert.Equal(1, await CountHitsAsync(one, alices));
        Assert.Equal(1, await CountHitsAsync(one, [alices[0]]));
        Assert.Equal(1, await CountHitsAsync(other, [bobs]));
    }

    /// <summary>
    /// "CLIENT PAUSE … ALL" holds every client's commands (https://redis.io/docs/latest/commands/client-pause/): Redis
    /// stays connected and answers nothing, as a hung server does.
    /// </summary>
    [Fact]
    public async Task Lookups_that_time_out_open_the_circuit_and_only_the_probe_after_the_break_closes_it()
    {
        var store = Store(options =>
        {
            options.OperationTimeout = s_hastyTimeout;
            options.MinimumThroughput = 4;
        });
        var key = new SharedOutputCacheKey("todo:3");
        await store.LookupAsync(key);

        await PauseRedisAsync(TimeSpan.FromSeconds(2));
        var whileHung = new List<CacheLookup>();
        for (var i = 0; i < 4; i++)
        {
            whileHung.Add(await store.LookupAsync(key));
        }
        var openedAfterHang = !store.IsAvailable;
        await WaitUntilRedisAnswersAsync();
        var withinBreak = await store.LookupAsync(key);
        await store.ProbeAsync();
        var closedWithinBreak = store.IsAvailable;
        _clock.Now += new SharedOutputCacheOptions().BreakDuration;
        var afterBreakBeforeProbe = await store.LookupAsync(key);
        var openBeforeProbe = !store.IsAvailable;
        await store.ProbeAsync();

        Assert.All(whileHung, lookup => Assert.Equal(CacheLookup.Unavailable, lookup));
        Assert.True(openedAfterHang, "four timed-out lookups left the circuit closed");
        Assert.Equal(CacheLookup.Unavailable, withinBreak);
        Assert.False(closedWithinBreak, "a probe within the break closed the circuit");
        Assert.Equal(CacheLookup.Unavailable, afterBreakBeforeProbe);
        Assert.True(openBeforeProbe, "a request's lookup probed Redis");
        Assert.True(store.IsAvailable, "the probe after the break left the circuit open");
        Assert.True(await Poll.UntilAsync(async () => (await store.LookupAsync(key)).Generation is not null, TimeSpan.FromSeconds(5)),
            "lookups did not reach Redis again");
    }

    /// <summary>
    /// An invalidation that timed out is tried again: here Redis ran the first one late (after its pause), an entry was
    /// stored after that, and only the retry hides it, as it hides an entry stored from rows the write replaced.
    /// </summary>
    [Fact]
    public async Task An_invalidation_that_timed_out_is_made_again_once_redis_answers()
    {
        var store = Store(options => options.OperationTimeout = s_hastyTimeout);
        var patient = Store();
        var key = new SharedOutputCacheKey("todo:4");

        await PauseRedisAsync(TimeSpan.FromSeconds(1));
        await store.InvalidateAsync("todo:4");
        await WaitUntilRedisAnswersAsync();
        await patient.StoreAsync(key, (await patient.LookupAsync(key)).Generation!.Value, s_response);
        using (var beforeRetry = (await patient.LookupAsync(key)).Entry)
        {
            Assert.NotNull(beforeRetry);
        }
        await store.RetryFailedInvalidationsAsync();

        Assert.Null((await patient.LookupAsync(key)).Entry);
    }

    private SharedOutputCacheStore Store(Action<SharedOutputCacheOptions>? configure = null, IConnectionMultiplexer? redis = null)
    {
        var options = new SharedOutputCacheOptions { KeyPrefix = _prefix, OperationTimeout = TimeSpan.FromSeconds(5) };
        configure?.Invoke(options);
        return TestStores.Create(redis ?? _redis, options, _clock);
    }

    private static async Task<int> CountHitsAsync(SharedOutputCacheStore store, IEnumerable<SharedOutputCacheKey> keys)
    {
        var hits = 0;
        foreach (var key in keys)
        {
            using var entry = (await store.LookupAsync(key)).Entry;
            hits += entry is null ? 0 : 1;
        }
        return hits;
    }

    private Task PauseRedisAsync(TimeSpan duration) =>
        _redis.GetServers().Single().ExecuteAsync("CLIENT", "PAUSE", ((long)duration.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture), "ALL");

    private async Task WaitUntilRedisAnswersAsync() => await _redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(10));
}
