using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Todo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Todo.Tests.Resilience;

/// <summary>Redis is an accelerator, never a dependency: it stops in the middle of traffic and comes back.</summary>
[Collection(TodoSystemCollection.Name)]
[Trait("Category", "Resilience")]
public sealed class RedisFaultTests(TodoSystem system, ITestOutputHelper output) : IAsyncLifetime
{
    private TodoServers _redis = null!;
    private TodoApiInstance _cached = null!;
    private TodoApiInstance _uncached = null!;

    public async Task InitializeAsync()
    {
        _redis = await TodoServers.StartAsync("cache");
        var cache = await _redis.ConnectionStringAsync("cache");
        _cached = TodoApiInstance.Start(system.TodosConnectionString, cache);
        _uncached = TodoApiInstance.Start(system.TodosConnectionString, cache, new Dictionary<string, string?> { ["OutputCache:Enabled"] = "false" });
    }

    public async Task DisposeAsync()
    {
        await _cached.DisposeAsync();
        await _uncached.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Redis_stopping_mid_traffic_fails_nothing_costs_at_most_50_ms_at_p99_and_is_used_again_when_back()
    {
        var owner = TodoTestData.NewOwner();
        var todos = new List<TodoDto>();
        for (var i = 0; i < 40; i++)
        {
            todos.Add(await _cached.Client.CreateTodoAsync(owner, $"Todo {i}"));
        }

        // Reads straight from PostgreSQL under the same traffic: the yardstick for reads during the outage.
        var withoutCache = await RunTrafficAsync(_uncached.Client, todos, TimeSpan.FromSeconds(4), _ => Task.CompletedTask);
        var withoutCacheP99 = TrafficRecorder.Percentile(withoutCache.Where(sample => sample.Kind == "read"), 99);

        var stoppedAt = TimeSpan.Zero;
        var outage = await RunTrafficAsync(_cached.Client, todos, TimeSpan.FromSeconds(10), async recorder =>
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            await _redis.StopAsync("cache");
            stoppedAt = recorder.Now;
        });
        var duringOutage = outage.Where(sample => sample.At > stoppedAt).ToList();
        var outageP99 = TrafficRecorder.Percentile(duringOutage.Where(sample => sample.Kind == "read"), 99);
        var health = await _cached.Client.GetFromJsonAsync<JsonElement>("/health");

        // Timed from the start command, not from the orchestrator's next health check, which may come seconds later.
        var back = Stopwatch.StartNew();
        await _redis.IssueStartAsync("cache");
        var recovered = await CacheServesAgainAsync(todos[0], TimeSpan.FromSeconds(15));
        var usedAgainAfter = back.Elapsed;

        output.WriteLine($"Caching off: {withoutCache.Count} requests, read p99 {withoutCacheP99:N1} ms.");
        output.WriteLine($"Outage: {outage.Count} requests ({duringOutage.Count} while Redis was down), " +
            $"{outage.Count(sample => sample.Status is < 200 or > 299)} failed, read p99 during the outage {outageP99:N1} ms, " +
            $"slowest request {outage.Max(sample => sample.Latency.TotalMilliseconds):N0} ms.");
        output.WriteLine($"Cache used again {usedAgainAfter.TotalSeconds:N1} s after Redis was started again.");

        Assert.DoesNotContain(outage, sample => sample.Status is < 200 or > 299);
        Assert.DoesNotContain(outage, sample => sample.Latency >= TimeSpan.FromSeconds(1));
        Assert.True(duringOutage.Count(sample => sample.Kind == "read") > 100, "too few reads during the outage");
        Assert.True(outageP99 <= withoutCacheP99 + 50, $"read p99 {outageP99:N1} ms during the outage vs {withoutCacheP99:N1} ms uncached");
        Assert.Equal("Degraded", health.GetProperty("status").GetString());
        Assert.True(recovered, "the cache was not used again within 15 s of Redis coming back");
        Assert.True(usedAgainAfter <= TimeSpan.FromSeconds(10), $"the cache was used again only after {usedAgainAfter.TotalSeconds:N1} s");
        await AssertEveryReadIsCurrentAsync(todos);
    }

    /// <summary>Reads of random todos with, every tenth request, a merge patch of one (each evicting).</summary>
    private static async Task<List<Sample>> RunTrafficAsync(HttpClient client, List<TodoDto> todos, TimeSpan duration, Func<TrafficRecorder, Task> during)
    {
        var recorder = new TrafficRecorder();
        using var stop = new CancellationTokenSource(duration);
        var counter = 0;
        await Task.WhenAll(recorder.RunAsync(8, async _ =>
        {
            var todo = todos[Random.Shared.Next(todos.Count)];
            if (Interlocked.Increment(ref counter) % 10 == 0)
            {
                using var patch = await client.PatchAsync($"/todos/{todo.TodoId}", JsonContent.Create(new { description = $"patched {counter}" }));
                return ("write", (int)patch.StatusCode);
            }
            using var read = await client.GetAsync($"/todos/{todo.TodoId}");
            return ("read", (int)read.StatusCode);
        }, stop.Token), during(recorder));
        return [.. recorder.Samples];
    }

    private async Task<bool> CacheServesAgainAsync(TodoDto todo, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            (await _cached.Client.GetAsync($"/todos/{todo.TodoId}")).Dispose();
            using var again = await _cached.Client.GetAsync($"/todos/{todo.TodoId}");
            if (again.Headers.Contains("Age"))
            {
                return true;
            }
            await Task.Delay(100);
        }
        return false;
    }

    /// <summary>What the cached instance serves now equals what PostgreSQL holds (read through the uncached one).</summary>
    private async Task AssertEveryReadIsCurrentAsync(List<TodoDto> todos)
    {
        foreach (var todo in todos)
        {
            var current = await _uncached.Client.GetFromJsonAsync<TodoDto>($"/todos/{todo.TodoId}");
            (await _cached.Client.GetAsync($"/todos/{todo.TodoId}")).Dispose();
            Assert.Equal(current, await _cached.Client.GetFromJsonAsync<TodoDto>($"/todos/{todo.TodoId}"));
        }
    }
}
