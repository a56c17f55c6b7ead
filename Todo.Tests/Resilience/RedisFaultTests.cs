using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;
using Todo.SharedOutputCache;
using Todo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Todo.Tests.Resilience;

/// <summary>Redis is an accelerator, never a dependency: it stops in the middle of traffic and comes back.</summary>
[Collection(FaultCollection.Name)]
[Trait("Category", "Resilience")]
[Trait("Category", "Slow")]
public sealed class RedisFaultTests(FaultServers faults, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TodoServers _redis = faults.Servers;
    private readonly string _cache = faults.CacheConnectionString;

    public Task InitializeAsync() => faults.EnsureRunningAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// The same traffic through an instance with the cache and one without it, side by side in the same seconds, each a
    /// process of its own: while Redis is down the cached one may cost at most 50 ms more at p99 than the control.
    /// </summary>
    [Fact]
    public async Task Redis_stopping_mid_traffic_fails_nothing_costs_at_most_50_ms_at_p99_and_is_used_again_when_back()
    {
        await using var cached = await StartApiAsync([]);
        await using var control = await StartApiAsync([new("OutputCache:Enabled", "false")]);
        var owner = TodoTestData.NewOwner();
        var todos = new List<TodoDto>();
        for (var i = 0; i < 40; i++)
        {
            todos.Add(await cached.Client.CreateTodoAsync(owner, $"Todo {i}"));
        }

        var recorder = new TrafficRecorder();
        using var stop = new CancellationTokenSource();
        var traffic = Task.WhenAll(Traffic(recorder, "cached", cached.Client, todos, stop.Token), Traffic(recorder, "control", control.Client, todos, stop.Token));
        await Task.Delay(TimeSpan.FromSeconds(2));
        await _redis.StopAsync("cache");
        var stoppedAt = recorder.Now;
        await Task.Delay(TimeSpan.FromSeconds(4));
        var restartedAt = recorder.Now;
        var health = await cached.Client.GetFromJsonAsync<JsonElement>("/health");

        // Timed from the start command, not from the orchestrator's next health check, which may come seconds later.
        var back = Stopwatch.StartNew();
        await _redis.IssueStartAsync("cache");
        var recovered = await CacheServesAgainAsync(cached.Client, todos[0], TimeSpan.FromSeconds(15));
        var usedAgainAfter = back.Elapsed;
        await stop.CancelAsync();
        await traffic;

        List<Sample> During(string instance) => [.. recorder.Samples.Where(sample => sample.Kind.StartsWith(instance, StringComparison.Ordinal)
            && sample.At >= stoppedAt && sample.At < restartedAt)];
        var outage = During("cached");
        var controlled = During("control");
        var outageP99 = TrafficRecorder.Percentile(outage.Where(sample => sample.Kind.EndsWith("read", StringComparison.Ordinal)), 99);
        var controlP99 = TrafficRecorder.Percentile(controlled.Where(sample => sample.Kind.EndsWith("read", StringComparison.Ordinal)), 99);
        output.WriteLine($"While Redis was down: {outage.Count} requests to the cached instance (read p99 {outageP99:N1} ms, slowest " +
            $"{outage.Max(sample => sample.Latency.TotalMilliseconds):N0} ms), {controlled.Count} to the control (read p99 {controlP99:N1} ms).");
        output.WriteLine($"Cache used again {usedAgainAfter.TotalSeconds:N1} s after Redis was started again.");

        Assert.DoesNotContain(recorder.Samples, sample => sample.Status is < 200 or > 299);
        Assert.True(outage.Count(sample => sample.Kind.EndsWith("read", StringComparison.Ordinal)) > 100, "too few reads during the outage");
        Assert.True(outageP99 <= controlP99 + 50, $"read p99 {outageP99:N1} ms during the outage vs {controlP99:N1} ms without the cache in the same seconds");
        Assert.Equal("Degraded", health.GetProperty("status").GetString());
        Assert.True(recovered, "the cache was not used again within 15 s of Redis coming back");
        Assert.True(usedAgainAfter <= TimeSpan.FromSeconds(10), $"the cache was used again only after {usedAgainAfter.TotalSeconds:N1} s");

        // A write whose invalidation failed while its instance reconnected is invalidated again once that instance is back.
        Assert.True(await Poll.UntilAsync(async () => await HealthAsync(control.Client) == "Healthy", TimeSpan.FromSeconds(10)), "the control instance never reached Redis again");
        var stale = new List<Guid>();
        Assert.True(await Poll.UntilAsync(async () =>
        {
            stale.Clear();
            foreach (var todo in todos)
            {
                var current = await control.Client.GetFromJsonAsync<TodoDto>($"/todos/{todo.TodoId}");
                (await cached.Client.GetAsync($"/todos/{todo.TodoId}")).Dispose();
                if (!Equals(current, await cached.Client.GetFromJsonAsync<TodoDto>($"/todos/{todo.TodoId}")))
                {
                    stale.Add(todo.TodoId);
                }
            }
            return stale.Count == 0;
        }, TimeSpan.FromSeconds(5), SharedOutputCacheRecovery.Period), $"{stale.Count} todos still stale on the cached instance");
    }

    /// <summary>
    /// The one staleness Redis allows: an instance that cannot invalidate (here its Redis user may run no script) while
    /// Redis keeps every entry. Another instance serves the entry it cached, stale, until the entry's lifetime ends, and
    /// not a moment longer.
    /// </summary>
    [Fact]
    public async Task An_instance_whose_invalidations_fail_leaves_others_stale_for_at_most_the_entry_lifetime()
    {
        var lifetime = TimeSpan.FromSeconds(2);
        var settings = new Dictionary<string, string?> { ["OutputCache:EntryLifetime"] = lifetime.ToString() };
        await using (var admin = await ConnectionMultiplexer.ConnectAsync(_cache))
        {
            await admin.GetDatabase().ExecuteAsync("ACL", "SETUSER", "noscripts", "on", ">noscripts-password-7c1d", "~*", "&*", "+@all", "-@scripting");
        }
        await using var reader = TodoApiInstance.Start(faults.TodosConnectionString, _cache, settings);
        await using var writer = TodoApiInstance.Start(faults.TodosConnectionString,
            $"{_cache.Split(',')[0]},user=noscripts,password=noscripts-password-7c1d", settings);
        var todo = await reader.Client.CreateTodoAsync(title: "Before");
        (await reader.Client.GetAsync($"/todos/{todo.TodoId}")).Dispose();

        using var patch = await writer.Client.PatchAsync($"/todos/{todo.TodoId}",
            new StringContent("""{"title":"After"}""", Encoding.UTF8, "application/merge-patch+json"));
        var patched = Stopwatch.StartNew();
        var staleReads = 0;
        string? title;
        do
        {
            title = (await reader.Client.GetFromJsonAsync<TodoDto>($"/todos/{todo.TodoId}"))!.Title;
            staleReads += title == "Before" ? 1 : 0;
            await Task.Delay(50);
        }
        while (title != "After" && patched.Elapsed < TimeSpan.FromSeconds(10));

        output.WriteLine($"{staleReads} stale reads; the write was read {patched.Elapsed.TotalSeconds:N1} s after it was acknowledged.");
        Assert.Equal(System.Net.HttpStatusCode.OK, patch.StatusCode);
        Assert.True(staleReads > 0, "the writer's invalidation did not fail: nothing here tests the bound");
        Assert.Equal("After", title);
        Assert.True(patched.Elapsed <= lifetime + TimeSpan.FromSeconds(1), $"stale for {patched.Elapsed.TotalSeconds:N1} s with entries living {lifetime.TotalSeconds} s");
    }

    /// <summary>
    /// An instance whose invalidation failed (its Redis user may not run scripts) invalidates again once it can, so the
    /// staleness lasts until Redis answers it again, not for the entry lifetime.
    /// </summary>
    [Fact]
    public async Task A_failed_invalidation_is_made_again_once_redis_answers_the_writer()
    {
        var lifetime = TimeSpan.FromSeconds(60);
        await using var admin = await ConnectionMultiplexer.ConnectAsync(_cache);
        await admin.GetDatabase().ExecuteAsync("ACL", "SETUSER", "retrier", "on", ">retrier-password-4e2a", "~*", "&*", "+@all", "-@scripting");
        await using var reader = TodoApiInstance.Start(faults.TodosConnectionString, _cache);
        await using var writer = TodoApiInstance.Start(faults.TodosConnectionString,
            $"{_cache.Split(',')[0]},user=retrier,password=retrier-password-4e2a");
        var todo = await reader.Client.CreateTodoAsync(title: "Before");
        (await reader.Client.GetAsync($"/todos/{todo.TodoId}")).Dispose();

        using var patch = await writer.Client.PatchAsync($"/todos/{todo.TodoId}",
            new StringContent("""{"title":"After"}""", Encoding.UTF8, "application/merge-patch+json"));
        var staleBefore = (await reader.Client.GetFromJsonAsync<TodoDto>($"/todos/{todo.TodoId}"))!.Title;
        await admin.GetDatabase().ExecuteAsync("ACL", "SETUSER", "retrier", "+@scripting");
        var allowed = Stopwatch.StartNew();
        var fresh = await Poll.UntilAsync(async () => (await reader.Client.GetFromJsonAsync<TodoDto>($"/todos/{todo.TodoId}"))!.Title == "After",
            TimeSpan.FromSeconds(10));

        output.WriteLine($"Read fresh {allowed.Elapsed.TotalSeconds:N2} s after the writer could invalidate again (entries live {lifetime.TotalSeconds} s).");
        Assert.Equal(System.Net.HttpStatusCode.OK, patch.StatusCode);
        Assert.Equal("Before", staleBefore);
        Assert.True(fresh, "the failed invalidation was never made again");
    }

    private static async Task<string?> HealthAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/health")).GetProperty("status").GetString();

    private async Task<ApiProcess> StartApiAsync(KeyValuePair<string, string>[] settings) =>
        await ApiProcess.StartAsync(ApiProcess.BuiltApi, new Dictionary<string, string>(settings)
        {
            ["ConnectionStrings:todos"] = faults.TodosConnectionString,
            ["ConnectionStrings:cache"] = _cache,
        });

    /// <summary>Reads of random todos with, every tenth request, a merge patch of one (each invalidating).</summary>
    private static Task Traffic(TrafficRecorder recorder, string instance, HttpClient client, List<TodoDto> todos, CancellationToken stop)
    {
        var counter = 0;
        return recorder.RunAsync(4, async _ =>
        {
            var todo = todos[Random.Shared.Next(todos.Count)];
            if (Interlocked.Increment(ref counter) % 10 == 0)
            {
                using var patch = await client.PatchAsync($"/todos/{todo.TodoId}", JsonContent.Create(new { description = $"patched {counter}" }));
                return ($"{instance} write", (int)patch.StatusCode);
            }
            using var read = await client.GetAsync($"/todos/{todo.TodoId}");
            return ($"{instance} read", (int)read.StatusCode);
        }, stop);
    }

    private static Task<bool> CacheServesAgainAsync(HttpClient client, TodoDto todo, TimeSpan within) =>
        Poll.UntilAsync(async () =>
        {
            (await client.GetAsync($"/todos/{todo.TodoId}")).Dispose();
            using var again = await client.GetAsync($"/todos/{todo.TodoId}");
            return again.Headers.Contains("Age");
        }, within, TimeSpan.FromMilliseconds(100));
}
