using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>Redis is an accelerator, never a dependency: with it stopped, every request still succeeds, quickly.</summary>
[Collection(TodoSystemCollection.Name)]
[Trait("Category", "Resilience")]
public sealed class RedisOutageTests(TodoSystem system) : IAsyncLifetime
{
    private static readonly TimeSpan s_maxLatency = TimeSpan.FromSeconds(1);

    private TodoServers _cache = null!;
    private TodoApiInstance _api = null!;

    public async Task InitializeAsync()
    {
        _cache = await TodoServers.StartAsync("cache");
        _api = TodoApiInstance.Start(system.TodosConnectionString, await _cache.ConnectionStringAsync("cache"));
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _cache.DisposeAsync();
    }

    [Fact]
    public async Task With_redis_stopped_reads_and_writes_succeed_within_a_second_and_health_is_degraded()
    {
        var owner = TodoTestData.NewOwner();
        var cachedBefore = await _api.Client.CreateTodoAsync(owner);
        (await _api.Client.GetAsync($"/todos/{cachedBefore.TodoId}")).Dispose();

        await _cache.StopAsync("cache");

        for (var round = 0; round < 10; round++)
        {
            var created = await Timed(() => _api.Client.PostAsJsonAsync("/todos", TodoTestData.ValidBody(owner, $"During outage {round}")), HttpStatusCode.Created);
            var todo = (await created.Content.ReadFromJsonAsync<TodoDto>())!;
            await Timed(() => _api.Client.GetAsync($"/todos/{todo.TodoId}"), HttpStatusCode.OK);
            await Timed(() => _api.Client.GetAsync($"/todos/{cachedBefore.TodoId}"), HttpStatusCode.OK);
            await Timed(() => _api.Client.PutAsJsonAsync($"/todos/{todo.TodoId}", TodoTestData.ValidBody(owner, $"Renamed {round}")), HttpStatusCode.OK);
            await Timed(() => _api.Client.GetAsync($"/todos?userEmail={Uri.EscapeDataString(owner)}"), HttpStatusCode.OK);
            await Timed(() => _api.Client.DeleteAsync($"/todos/{todo.TodoId}"), HttpStatusCode.NoContent);
        }

        using var health = await _api.Client.GetAsync("/health");
        var report = await health.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Degraded", report.GetProperty("status").GetString());
        Assert.Equal("Degraded", report.GetProperty("checks").GetProperty("cache").GetProperty("status").GetString());
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("TodoDbContext").GetProperty("status").GetString());
        Assert.Single((await _api.Client.GetFromJsonAsync<List<TodoDto>>($"/todos?userEmail={Uri.EscapeDataString(owner)}"))!);
    }

    private static async Task<HttpResponseMessage> Timed(Func<Task<HttpResponseMessage>> send, HttpStatusCode expected)
    {
        var clock = Stopwatch.StartNew();
        var response = await send();
        clock.Stop();

        Assert.Equal(expected, response.StatusCode);
        Assert.True(clock.Elapsed < s_maxLatency, $"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri} took {clock.ElapsedMilliseconds} ms");
        return response;
    }
}
