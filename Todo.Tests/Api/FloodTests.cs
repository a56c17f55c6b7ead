using System.Net;
using System.Net.Http.Json;
using StackExchange.Redis;
using Todo.SharedOutputCache;
using Todo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Todo.Tests.Api;

/// <summary>
/// Two users on two instances, as the fair-share review tried them: user B reads its own todos and creates a few (4
/// clients), while user A floods 24 clients of <c>GET /todos?limit=900..1000</c> over 2,000 large todos, half of them
/// with a random <c>after</c>, so that no cache holds A's pages. A is told 429; B is served; Redis holds no more of A's
/// pages than A's quota.
/// </summary>
[Collection(TodoSystemCollection.Name)]
[Trait("Category", "Slow")]
public sealed class FloodTests(TodoSystem system, ITestOutputHelper output)
{
    private static readonly TimeSpan s_flood = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task One_user_flooding_two_instances_with_pages_no_cache_holds_is_told_429_fills_only_its_quota_and_another_user_is_served()
    {
        var aliceSubject = $"flood-{Guid.NewGuid():N}";
        HttpClient[] flooders = [system.Api.ClientFor(aliceSubject), system.Second.ClientFor(aliceSubject)];
        var bobSubject = $"reader-{Guid.NewGuid():N}";
        HttpClient[] readers = [system.Api.ClientFor(bobSubject), system.Second.ClientFor(bobSubject)];
        var aliceEmail = TodoTestData.NewOwner();
        await Sql.InsertTodosAsync(system.TodosConnectionString, 2000, aliceSubject, aliceEmail, new string('t', 200), new string('d', 2000));
        var bobEmail = TodoTestData.NewOwner();
        var bobs = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            bobs.Add((await readers[i % 2].CreateTodoAsync(bobEmail)).TodoId);
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync($"{system.CacheConnectionString},allowAdmin=true");
        var memoryBefore = await UsedMemoryAsync(redis);
        using var stop = new CancellationTokenSource(s_flood);
        var flood = new TrafficRecorder();
        var reads = new TrafficRecorder();
        await Task.WhenAll(
            flood.RunAsync(24, async worker =>
            {
                var after = worker % 2 == 0 ? $"&after={Guid.NewGuid()}" : "";
                using var response = await flooders[worker % 2].GetAsync($"/todos?limit={Random.Shared.Next(900, 1001)}{after}");
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    await response.AssertProblemAsync(HttpStatusCode.TooManyRequests);
                    Assert.NotNull(response.Headers.RetryAfter);
                }
                return ("page", (int)response.StatusCode);
            }, stop.Token),
            reads.RunAsync(4, async worker =>
            {
                var client = readers[worker % 2];
                var pick = Random.Shared.Next(10);
                using var response = pick switch
                {
                    0 => await client.PostAsJsonAsync("/todos", TodoTestData.ValidBody(bobEmail)),
                    < 4 => await client.GetAsync("/todos?limit=20"),
                    _ => await client.GetAsync($"/todos/{bobs[Random.Shared.Next(bobs.Count)]}"),
                };
                return (pick == 0 ? "create" : pick < 4 ? "list" : "item", (int)response.StatusCode);
            }, stop.Token));

        var grown = await UsedMemoryAsync(redis) - memoryBefore;
        var floodSamples = flood.Samples;
        var readSamples = reads.Samples;
        var served = readSamples.Count(sample => sample.Status is >= 200 and < 300);
        output.WriteLine($"A: {floodSamples.Count} pages, {floodSamples.Count(sample => sample.Status == 200)} served, "
            + $"{floodSamples.Count(sample => sample.Status == 429)} told 429. B: {readSamples.Count} requests, {served} served, "
            + $"p99 {TrafficRecorder.Percentile(readSamples, 99):0} ms. Redis grew by {grown / 1024.0 / 1024:0.0} MiB.");
        Assert.All(floodSamples, sample => Assert.Contains(sample.Status, new[] { 200, 429 }));
        Assert.Contains(floodSamples, sample => sample.Status == 429);
        Assert.DoesNotContain(readSamples, sample => sample.Status == 429);
        Assert.True(served >= 0.99 * readSamples.Count, $"B was served {served} of {readSamples.Count}");
        // A's entries come from its quota alone, at most twice it alive at once (SharedOutputCacheOptions).
        Assert.True(grown <= 2 * new SharedOutputCacheOptions().MaximumBytesPerQuota, $"Redis grew by {grown:N0} bytes");
        foreach (var client in (HttpClient[])[.. flooders, .. readers])
        {
            client.Dispose();
        }
    }

    private static async Task<long> UsedMemoryAsync(ConnectionMultiplexer redis)
    {
        var memory = await redis.GetServers().Single().InfoAsync("memory");
        return long.Parse(memory.SelectMany(group => group).Single(pair => pair.Key == "used_memory").Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
