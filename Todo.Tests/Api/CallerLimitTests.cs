using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Todo.Api.Limits;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>
/// One caller's share is its own: past its requests in progress (cache hits included) or its reads of PostgreSQL, it
/// is answered 429 with <c>Retry-After</c> and problem details, and another caller is served as before. Requests are
/// held in progress by a <see cref="TableLock"/>, so each test knows what is in progress when it asks.
/// </summary>
[Collection(TodoSystemCollection.Name)]
public sealed class CallerLimitTests(TodoSystem system)
{
    [Fact]
    public async Task A_caller_with_its_requests_in_progress_is_told_429_even_for_a_cache_hit_while_another_caller_is_served()
    {
        await using var callers = TwoCallers.Start(system, "Requests", "1");
        var (alice, bob, refused) = (callers.Alice, callers.Bob, callers.Refused);
        var alices = await alice.CreateTodoAsync();
        var bobs = await bob.CreateTodoAsync();
        await ReadUntilCachedAsync(alice, $"/todos/{alices.TodoId}");
        await ReadUntilCachedAsync(bob, $"/todos/{bobs.TodoId}");

        HttpResponseMessage aliceHit, bobHit;
        Task<HttpResponseMessage> held;
        await using (var table = await TableLock.TakeAsync(system.TodosConnectionString))
        {
            // A read the cache cannot answer waits for the lock, holding alice's one place.
            held = alice.GetAsync("/todos?status=done");
            await table.UntilWaitingAsync(1);
            aliceHit = await alice.GetAsync($"/todos/{alices.TodoId}");
            bobHit = await bob.GetAsync($"/todos/{bobs.TodoId}");
        }
        using var heldResponse = await held;

        var problem = await aliceHit.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(TimeSpan.FromSeconds(1), aliceHit.Headers.RetryAfter?.Delta);
        Assert.Contains("1 requests in progress", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, bobHit.StatusCode);
        Assert.True(bobHit.Headers.Contains("Age"), "bob's read was not a cache hit");
        Assert.Equal(HttpStatusCode.OK, heldResponse.StatusCode);
        Assert.Equal(1, refused.Count("requests"));
        aliceHit.Dispose();
        bobHit.Dispose();
    }

    [Fact]
    public async Task A_caller_whose_reads_fill_its_share_is_told_429_while_its_cache_hits_and_another_callers_reads_go_on()
    {
        // Two reads at once: a page of 200 todos fills them.
        await using var callers = TwoCallers.Start(system, "Reads", "2");
        var (alice, bob, refused) = (callers.Alice, callers.Bob, callers.Refused);
        var cached = await alice.CreateTodoAsync();
        var uncached = await alice.CreateTodoAsync();
        await ReadUntilCachedAsync(alice, $"/todos/{cached.TodoId}");

        HttpResponseMessage aliceRead, aliceHit;
        Task<HttpResponseMessage> page, bobRead;
        await using (var table = await TableLock.TakeAsync(system.TodosConnectionString))
        {
            page = alice.GetAsync("/todos?limit=200");
            await table.UntilWaitingAsync(1);
            aliceRead = await alice.GetAsync($"/todos/{uncached.TodoId}");
            aliceHit = await alice.GetAsync($"/todos/{cached.TodoId}");
            // Bob's read is not refused: it waits for the lock like alice's page.
            bobRead = bob.GetAsync("/todos?limit=200");
            await table.UntilWaitingAsync(2);
        }
        using var pageResponse = await page;
        using var bobResponse = await bobRead;

        var problem = await aliceRead.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(TimeSpan.FromSeconds(1), aliceRead.Headers.RetryAfter?.Delta);
        Assert.Contains("smaller pages", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, aliceHit.StatusCode);
        Assert.Equal(HttpStatusCode.OK, pageResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bobResponse.StatusCode);
        Assert.Equal(1, refused.Count("reads"));
        aliceRead.Dispose();
        aliceHit.Dispose();
    }

    private static async Task ReadUntilCachedAsync(HttpClient client, string path) =>
        Assert.True(await Poll.UntilAsync(async () =>
        {
            using var read = await client.GetAsync(path);
            return read.Headers.Contains("Age");
        }, TimeSpan.FromSeconds(10)), $"{path} was never cached");

    /// <summary>An instance with one share of a caller and no queue for it, two callers of it, and its refusals.</summary>
    private sealed class TwoCallers(TodoApiInstance api) : IAsyncDisposable
    {
        public HttpClient Alice { get; } = api.ClientFor($"alice-{Guid.NewGuid():N}");

        public HttpClient Bob { get; } = api.ClientFor($"bob-{Guid.NewGuid():N}");

        public RefusalCounter Refused { get; } = new(api.Services.GetRequiredService<IMeterFactory>());

        /// <summary><paramref name="share"/> is <c>Requests</c> or <c>Reads</c> (and <c>Queued…</c> is zero).</summary>
        public static TwoCallers Start(TodoSystem system, string share, string value) =>
            new(system.StartAnotherApi(new Dictionary<string, string?> { [$"CallerLimits:{share}"] = value, [$"CallerLimits:Queued{share}"] = "0" }));

        public async ValueTask DisposeAsync()
        {
            Alice.Dispose();
            Bob.Dispose();
            Refused.Dispose();
            await api.DisposeAsync();
        }
    }

    /// <summary>One API instance's <c>todo.caller.refused</c> measurements while it lives, by limit.</summary>
    private sealed class RefusalCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<string, long> _counts = [];

        /// <summary>The meters of <paramref name="meters"/> only: the other instances of the tests publish theirs too.</summary>
        public RefusalCounter(IMeterFactory meters)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == CallerLimiter.MeterName && instrument.Meter.Scope == meters && instrument.Name == "todo.caller.refused")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "limit" && tag.Value is string limit)
                    {
                        lock (_counts)
                        {
                            _counts[limit] = _counts.GetValueOrDefault(limit) + value;
                        }
                    }
                }
            });
            _listener.Start();
        }

        public long Count(string limit)
        {
            lock (_counts)
            {
                return _counts.GetValueOrDefault(limit);
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
