using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Todo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Todo.Tests.Resilience;

/// <summary>PostgreSQL stops and comes back: the API fails fast and honestly meanwhile, and recovers by itself.</summary>
[Collection(FaultCollection.Name)]
[Trait("Category", "Resilience")]
[Trait("Category", "Slow")]
public sealed class PostgresFaultTests(FaultServers faults, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan s_failFast = TimeSpan.FromSeconds(2);

    private readonly TodoServers _servers = faults.Servers;
    private ApiProcess _api = null!;

    // The API runs as a process of its own: the AppHost that stops and restarts PostgreSQL runs in this test process,
    // and its orchestration work must not stall the API's thread pool and make the measurement about itself.
    public async Task InitializeAsync()
    {
        await faults.EnsureRunningAsync();
        _api = await _servers.StartApiProcessAsync();
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task While_postgres_is_down_requests_fail_fast_with_503_cached_reads_work_and_service_resumes_when_it_returns()
    {
        var cached = await _api.Client.CreateTodoAsync();
        (await _api.Client.GetAsync($"/todos/{cached.TodoId}")).Dispose();
        var uncachedId = Guid.CreateVersion7();
        var recorder = new TrafficRecorder();
        using var stopTraffic = new CancellationTokenSource();
        var traffic = recorder.RunAsync(6, async worker =>
        {
            using var response = worker % 2 == 0
                ? await _api.Client.PostAsJsonAsync("/todos", TodoTestData.ValidBody())
                : await _api.Client.GetAsync($"/todos/{cached.TodoId}");
            // A 503 without Retry-After or problem details is an outcome of its own, never counted as a proper refusal.
            var status = await response.RecordedStatusAsync();
            return (worker % 2 == 0 ? "create" : "cached read", status);
        }, stopTraffic.Token);
        await Task.Delay(TimeSpan.FromSeconds(1));

        await _servers.StopAsync("postgres");

        var create = await TimedAsync(() => _api.Client.PostAsJsonAsync("/todos", TodoTestData.ValidBody()));
        var read = await TimedAsync(() => _api.Client.GetAsync($"/todos/{uncachedId}"));
        var list = await TimedAsync(() => _api.Client.GetAsync($"/todos?userEmail={Uri.EscapeDataString(TodoTestData.NewOwner())}"));
        var fromCache = await TimedAsync(() => _api.Client.GetAsync($"/todos/{cached.TodoId}"));
        var health = await TimedAsync(() => _api.Client.GetAsync("/health"));
        for (var wait = Stopwatch.StartNew(); health.Response.StatusCode == HttpStatusCode.OK && wait.Elapsed < TimeSpan.FromSeconds(4);)
        {
            // /health serves a report refreshed every second: give it the time to notice.
            await Task.Delay(200);
            health = await TimedAsync(() => _api.Client.GetAsync("/health"));
        }
        var alive = await TimedAsync(() => _api.Client.GetAsync("/alive"));

        foreach (var (response, elapsed) in new[] { create, read, list })
        {
            await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.True(elapsed <= s_failFast, $"{response.RequestMessage!.RequestUri} took {elapsed.TotalMilliseconds:N0} ms");
        }
        Assert.Equal(HttpStatusCode.OK, fromCache.Response.StatusCode);
        Assert.Equal(cached, await fromCache.Response.Content.ReadFromJsonAsync<TodoDto>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.Response.StatusCode);
        Assert.Equal("Unhealthy", (await health.Response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, alive.Response.StatusCode);

        // Timed from the start command, not from the orchestrator's health check, which may come seconds later.
        var back = Stopwatch.StartNew();
        await _servers.IssueStartAsync("postgres");
        var status = await CreateStatusAsync();
        while (status != HttpStatusCode.Created && back.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
            status = await CreateStatusAsync();
        }
        var recovery = back.Elapsed;

        await Task.Delay(TimeSpan.FromSeconds(1));
        await stopTraffic.CancelAsync();
        await traffic;
        var samples = recorder.Samples;
        output.WriteLine($"Traffic through the outage: {samples.Count} requests, {samples.Count(sample => sample.Status == 503)} refused with 503, " +
            $"{samples.Count(sample => sample.Status is not (201 or 200 or 503))} otherwise failed, slowest {samples.Max(sample => sample.Latency.TotalMilliseconds):N0} ms.");
        Assert.DoesNotContain(samples, sample => sample.Status == -503);
        Assert.All(samples, sample => Assert.True(sample.Status is 200 or 201 or 503, $"{sample.Kind} answered {sample.Status}"));
        Assert.All(samples, sample => Assert.True(sample.Latency <= s_failFast, $"{sample.Kind} took {sample.Latency.TotalMilliseconds:N0} ms"));
        Assert.DoesNotContain(samples, sample => sample.Kind == "cached read" && sample.Status != 200);
        Assert.Contains(samples, sample => sample.Status == 503);
        output.WriteLine($"During the outage: create {create.Elapsed.TotalMilliseconds:N0} ms, read {read.Elapsed.TotalMilliseconds:N0} ms, " +
            $"list {list.Elapsed.TotalMilliseconds:N0} ms (all 503), cached read {fromCache.Elapsed.TotalMilliseconds:N0} ms (200), " +
            $"/health {health.Elapsed.TotalMilliseconds:N0} ms (503), /alive {alive.Elapsed.TotalMilliseconds:N0} ms (200).");
        output.WriteLine($"Creates succeed again {recovery.TotalSeconds:N2} s after PostgreSQL was started again.");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.True(recovery <= TimeSpan.FromSeconds(5), $"service resumed {recovery.TotalSeconds:N1} s after PostgreSQL was started again");
        Assert.Equal(HttpStatusCode.OK, (await _api.Client.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task After_a_quiet_restart_of_postgres_at_most_one_request_meets_a_dead_pooled_connection()
    {
        // Open a pool of connections, let them idle through a restart, then read one request at a time:
        // PostgreSQL closed every one of them, and only the first request may find that out.
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => _api.Client.GetAsync($"/todos/{Guid.CreateVersion7()}")));
        await _servers.StopAsync("postgres");
        await _servers.StartAgainAsync("postgres");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 16; i++)
        {
            using var response = await _api.Client.GetAsync($"/todos/{Guid.CreateVersion7()}");
            statuses.Add(response.StatusCode);
        }

        output.WriteLine($"After the restart: {string.Join(", ", statuses.Select(status => (int)status))}.");
        Assert.All(statuses, status => Assert.True(status is HttpStatusCode.NotFound or HttpStatusCode.ServiceUnavailable, $"answered {status}"));
        Assert.True(statuses.Count(status => status == HttpStatusCode.ServiceUnavailable) <= 1, "more than one request met a dead connection");
        Assert.All(statuses.SkipWhile(status => status == HttpStatusCode.ServiceUnavailable), status => Assert.Equal(HttpStatusCode.NotFound, status));
    }

    private async Task<HttpStatusCode> CreateStatusAsync()
    {
        using var response = await _api.Client.PostAsJsonAsync("/todos", TodoTestData.ValidBody());
        return response.StatusCode;
    }

    private static async Task<(HttpResponseMessage Response, TimeSpan Elapsed)> TimedAsync(Func<Task<HttpResponseMessage>> send)
    {
        var clock = Stopwatch.StartNew();
        var response = await send();
        return (response, clock.Elapsed);
    }
}
