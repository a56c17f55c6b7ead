using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using StackExchange.Redis;
using Todo.Api.Todos;
using Todo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Todo.Tests.Api;

/// <summary>
/// What clients that ask for endless distinct pages can make the shared cache hold, and what that does to writes.
/// Each test's instance has a key prefix of its own, so what it counts in Redis is its own.
/// </summary>
[Collection(TodoSystemCollection.Name)]
[Trait("Category", "Slow")]
public sealed class CacheBoundTests(TodoSystem system, ITestOutputHelper output)
{
    // Commands the clients and the health report send on their own, whatever the test does.
    private static readonly HashSet<string> s_background = ["ping", "echo", "info", "client", "cluster", "config", "subscribe", "script", "hello", "auth"];

    /// <summary>
    /// A write makes every cached page stale with one command, however many pages are cached: with 3,000 pages in Redis
    /// it runs exactly the Redis commands it runs with none. (ASP.NET's Redis store kept a set of every page's key and
    /// walked it on each write.)
    /// </summary>
    [Fact]
    public async Task A_write_costs_the_same_redis_work_with_thousands_of_pages_cached()
    {
        var prefix = $"bound-{Guid.NewGuid():N}/";
        await using var api = StartApiWithOwnKeys(prefix, maximumEntriesPerTag: 10000);
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"{system.CacheConnectionString},allowAdmin=true");
        var server = redis.GetServers().Single();
        var todo = await api.Client.CreateTodoAsync();

        var (withNone, timeWithNone) = await WritesAsync(api.Client, server, todo.TodoId);
        const int pages = 3000;
        using var gate = new SemaphoreSlim(16);
        await Task.WhenAll(Enumerable.Range(0, pages).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                using var response = await api.Client.GetAsync($"/todos?userEmail=page-{i}@tests.example");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            finally
            {
                gate.Release();
            }
        }));
        var cached = await CountEntriesAsync(server, prefix);
        var (withMany, timeWithMany) = await WritesAsync(api.Client, server, todo.TodoId);

        output.WriteLine($"20 writes: {Describe(withNone)} ({timeWithNone.TotalMilliseconds:N0} ms) with no page cached; " +
            $"{Describe(withMany)} ({timeWithMany.TotalMilliseconds:N0} ms) with {cached:N0}.");
        Assert.True(cached >= pages, $"only {cached} pages were cached");
        Assert.Equal(withNone, withMany);
    }

    /// <summary>Past <c>OutputCache:MaximumEntriesPerTag</c> pages, more pages are served but not stored, until a write starts afresh.</summary>
    [Fact]
    public async Task The_pages_cached_at_a_time_are_capped()
    {
        var prefix = $"bound-{Guid.NewGuid():N}/";
        await using var api = StartApiWithOwnKeys(prefix, maximumEntriesPerTag: 50);
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"{system.CacheConnectionString},allowAdmin=true");
        var server = redis.GetServers().Single();

        foreach (var round in new[] { "first", "second" })
        {
            for (var i = 0; i < 80; i++)
            {
                using var response = await api.Client.GetAsync($"/todos?userEmail={round}-{i}@tests.example");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            Assert.Equal(50, await CountEntriesAsync(server, prefix, current: true));

            // A write starts a new generation, which may hold as many again.
            await api.Client.CreateTodoAsync();
        }
    }

    /// <summary>
    /// Requests for one page share lookups, each with the requests that arrived before it began: 100 requests sent while
    /// Redis holds the first one's lookup (CLIENT PAUSE, shorter than the client's own time limit) all share the next, so
    /// Redis reads the page twice (a lookup is two GETs in one round trip): 4 GETs, and every answer a hit. Joining the
    /// lookup already under way would be 2, no sharing 200.
    /// </summary>
    [Fact]
    public async Task Requests_for_one_page_while_a_lookup_is_under_way_share_the_next_one()
    {
        var prefix = $"bound-{Guid.NewGuid():N}/";
        await using var api = system.StartAnotherApi(new Dictionary<string, string?>
        {
            ["OutputCache:KeyPrefix"] = prefix,
            // Redis is paused for less than a lookup may wait (and than the client's own 1 s), so no lookup gives up.
            ["OutputCache:OperationTimeout"] = "00:00:05",
            // One caller sends all 100 at once: none may wait for a place among its requests.
            ["CallerLimits:Requests"] = "128",
        });
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"{system.CacheConnectionString},allowAdmin=true");
        var server = redis.GetServers().Single();
        const string page = "/todos?userEmail=hot-page@tests.example";
        var cached = await api.Client.GetStringAsync(page);
        const int requests = 100;
        // As many connections open as requests to come, so that they all arrive while Redis is paused.
        foreach (var opened in await Task.WhenAll(Enumerable.Range(0, requests).Select(_ => api.Client.GetAsync("/alive"))))
        {
            opened.Dispose();
        }

        var before = await QuietCommandCallsAsync(server);
        await server.ExecuteAsync("CLIENT", "PAUSE", "600", "ALL");
        var answers = await Task.WhenAll(Enumerable.Range(0, requests).Select(async _ =>
        {
            using var response = await api.Client.GetAsync(page);
            return (Body: await response.Content.ReadAsStringAsync(), Hit: response.Headers.Contains("Age"));
        }));
        var gets = (await CommandCallsAsync(server)).GetValueOrDefault("get") - before.GetValueOrDefault("get");

        output.WriteLine($"{requests} requests at once for one page: {gets} GETs in Redis.");
        Assert.All(answers, answer => Assert.Equal((cached, true), answer));
        Assert.Equal(4, gets);
    }

    private TodoApiInstance StartApiWithOwnKeys(string prefix, int maximumEntriesPerTag) =>
        system.StartAnotherApi(new Dictionary<string, string?>
        {
            ["OutputCache:KeyPrefix"] = prefix,
            ["OutputCache:MaximumEntriesPerTag"] = maximumEntriesPerTag.ToString(CultureInfo.InvariantCulture),
        });

    private static async Task<(Dictionary<string, long> Calls, TimeSpan Elapsed)> WritesAsync(HttpClient client, IServer server, Guid id)
    {
        var before = await QuietCommandCallsAsync(server);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
        {
            using var response = await client.PatchAsync($"/todos/{id}", new StringContent($$"""{"title":"Write {{i}}"}""", Encoding.UTF8, "application/merge-patch+json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var elapsed = clock.Elapsed;
        var after = await CommandCallsAsync(server);
        return (after.Where(command => command.Value != before.GetValueOrDefault(command.Key))
            .ToDictionary(command => command.Key, command => command.Value - before.GetValueOrDefault(command.Key)), elapsed);
    }

    /// <summary>A new instance warms its routes up just after it starts; counts start from a moment nothing else talks to Redis.</summary>
    private static async Task<Dictionary<string, long>> QuietCommandCallsAsync(IServer server)
    {
        var before = await CommandCallsAsync(server);
        for (var clock = Stopwatch.StartNew(); ;)
        {
            await Task.Delay(250);
            var now = await CommandCallsAsync(server);
            if (now.Count == before.Count && !now.Except(before).Any())
            {
                return now;
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"Redis did not fall quiet: {Describe(now)}");
            before = now;
        }
    }

    private static async Task<Dictionary<string, long>> CommandCallsAsync(IServer server) =>
        (await server.InfoAsync("commandstats")).SelectMany(group => group)
            .Select(stat => (Command: stat.Key.Replace("cmdstat_", "", StringComparison.Ordinal).Split('|')[0],
                Calls: long.Parse(stat.Value.Split(',')[0].Split('=')[1], CultureInfo.InvariantCulture)))
            .Where(stat => !s_background.Contains(stat.Command))
            .GroupBy(stat => stat.Command)
            .ToDictionary(group => group.Key, group => group.Sum(stat => stat.Calls));

    /// <summary>
    /// The test user's list pages in Redis; with <paramref name="current"/>, only those of the current generation (the
    /// ones a lookup can hit).
    /// </summary>
    private static async Task<int> CountEntriesAsync(IServer server, string prefix, bool current = false)
    {
        var database = server.Multiplexer.GetDatabase();
        var tag = TodoStore.OwnerListTag(TestTokens.DefaultUser);
        var generation = await database.StringGetAsync($"{prefix}{{{tag}}}");
        var count = 0;
        await foreach (var key in server.KeysAsync(pattern: $"{prefix}{{{tag}}}:*", pageSize: 1000))
        {
            // An entry begins with the generation it was stored under, 8 bytes little-endian.
            if (!current || BinaryPrimitives.ReadInt64LittleEndian((byte[])(await database.StringGetRangeAsync(key, 0, 7))!) == (long)generation)
            {
                count++;
            }
        }
        return count;
    }

    private static string Describe(Dictionary<string, long> calls) =>
        string.Join(", ", calls.OrderBy(call => call.Key).Select(call => $"{call.Value} {call.Key.ToUpperInvariant()}"));
}
