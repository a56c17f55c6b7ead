using StackExchange.Redis;
using Todo.SharedOutputCache;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Caching;

/// <summary>
/// Request coalescing on its own, against the tests' Redis through a relay that records every command. Redis is held
/// with "CLIENT PAUSE … ALL" (https://redis.io/docs/latest/commands/client-pause/), shorter than the store's time
/// limit, so that requests surely arrive while a lookup is under way.
/// </summary>
[Collection(TodoSystemCollection.Name)]
[Trait("Category", "Caching")]
public sealed class RequestCoalescerTests(TodoSystem system) : IAsyncLifetime
{
    private static readonly byte[] s_response = "a cached page"u8.ToArray();
    private readonly SharedOutputCacheKey _key = new($"todo-lists:{Guid.NewGuid():N}", "limit=100");
    private RedisCommandRecorder _recorder = null!;
    private ConnectionMultiplexer _redis = null!;
    private ConnectionMultiplexer _admin = null!;
    private SharedOutputCacheStore _store = null!;
    private RequestCoalescer _coalescer = null!;

    public async Task InitializeAsync()
    {
        _recorder = RedisCommandRecorder.Start(system.CacheConnectionString);
        _redis = await ConnectionMultiplexer.ConnectAsync(_recorder.ConnectionString);
        _admin = await ConnectionMultiplexer.ConnectAsync($"{system.CacheConnectionString},allowAdmin=true");
        var metrics = TestStores.Metrics();
        _store = TestStores.Create(_redis, new SharedOutputCacheOptions
        {
            KeyPrefix = $"coalescer-{Guid.NewGuid():N}/",
            OperationTimeout = TimeSpan.FromSeconds(5),
        }, TimeProvider.System, metrics);
        _coalescer = new RequestCoalescer(_store, metrics);
        await _store.StoreAsync(_key, (await _store.LookupAsync(_key)).Generation!.Value, s_response);
    }

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        await _admin.DisposeAsync();
        await _recorder.DisposeAsync();
    }

    /// <summary>
    /// A lookup is two GETs (generation and entry) in one round trip: the first request's 2, then the 2 of the lookup the
    /// other 50 share. Each of the 51 gets the entry and disposes it; the pooled buffer must survive until the last.
    /// </summary>
    [Fact]
    public async Task Requests_arriving_while_a_lookup_is_under_way_all_share_the_next_one()
    {
        var before = Gets();
        await PauseRedisAsync();

        var first = _coalescer.LookupAsync(_key);
        var others = Enumerable.Range(0, 50).Select(_ => _coalescer.LookupAsync(_key)).ToList();
        var lookups = await Task.WhenAll([first, .. others]);

        Assert.All(lookups, lookup =>
        {
            using var entry = Assert.IsType<CachedEntry>(lookup.Entry);
            Assert.Equal(s_response, entry.Memory.ToArray());
        });
        Assert.Equal(4, Gets() - before);
    }

    /// <summary>
    /// A request that arrives after a write was sent must not take the answer of a lookup that began before it: the
    /// first lookup still sees the entry (it began first), the later request sees the write.
    /// </summary>
    [Fact]
    public async Task A_request_that_arrives_after_a_write_never_shares_a_lookup_that_began_before_it()
    {
        await PauseRedisAsync();

        var first = _coalescer.LookupAsync(_key);
        var write = _store.InvalidateAsync(_key.Tag);
        var later = _coalescer.LookupAsync(_key);
        var (beforeWrite, afterWrite) = (await first, await later);
        await write;

        using (beforeWrite.Entry)
        {
            Assert.NotNull(beforeWrite.Entry);
        }
        Assert.Null(afterWrite.Entry);
        Assert.NotNull(afterWrite.Generation);
    }

    private long Gets() => _recorder.Commands.Count(command => System.Text.Encoding.UTF8.GetString(command[0]).Equals("GET", StringComparison.OrdinalIgnoreCase));

    private Task PauseRedisAsync() => _admin.GetServers().Single().ExecuteAsync("CLIENT", "PAUSE", "400", "ALL");
}
