using System.Net;
using System.Net.Http.Json;
using StackExchange.Redis;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>The shared Redis output cache: entries live in Redis, every instance reads them, writes evict before responding.</summary>
[Collection(TodoSystemCollection.Name)]
public sealed class CachingTests(TodoSystem system) : IAsyncLifetime
{
    private TodoApiInstance _second = null!;
    private ConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync()
    {
        _second = system.StartAnotherApi();
        _redis = await ConnectionMultiplexer.ConnectAsync(system.CacheConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _second.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task A_second_read_is_served_from_the_redis_entry_the_first_read_stored()
    {
        var todo = await system.Client.CreateTodoAsync();

        using var first = await system.Client.GetAsync($"/todos/{todo.TodoId}");
        var keys = CacheKeysMentioning(todo.TodoId);
        using var second = await system.Client.GetAsync($"/todos/{todo.TodoId}");

        Assert.False(first.Headers.Contains("Age"));
        Assert.Single(keys);
        Assert.True(second.Headers.Contains("Age"));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
    }

    [Fact]
    public async Task An_instance_that_never_saw_a_request_serves_it_from_the_shared_store()
    {
        var todo = await system.Client.CreateTodoAsync();
        (await system.Client.GetAsync($"/todos/{todo.TodoId}")).Dispose();

        using var fromOtherInstance = await _second.Client.GetAsync($"/todos/{todo.TodoId}");

        Assert.True(fromOtherInstance.Headers.Contains("Age"));
        Assert.Equal(todo, await fromOtherInstance.Content.ReadFromJsonAsync<TodoDto>());
    }

    [Fact]
    public async Task A_write_through_one_instance_is_read_at_once_through_another()
    {
        var todo = await system.Client.CreateTodoAsync();
        (await _second.Client.GetAsync($"/todos/{todo.TodoId}")).Dispose();
        (await _second.Client.GetAsync($"/todos/{todo.TodoId}")).Dispose();

        (await system.Client.PutAsJsonAsync($"/todos/{todo.TodoId}", TodoTestData.ValidBody(todo.UserEmail, "Changed on the first"))).Dispose();
        var read = await _second.Client.GetFromJsonAsync<TodoDto>($"/todos/{todo.TodoId}");

        Assert.Equal("Changed on the first", read!.Title);
    }

    [Fact]
    public async Task A_deleted_todo_is_gone_at_once_on_every_instance()
    {
        var todo = await system.Client.CreateTodoAsync();
        (await _second.Client.GetAsync($"/todos/{todo.TodoId}")).Dispose();

        (await system.Client.DeleteAsync($"/todos/{todo.TodoId}")).Dispose();
        using var read = await _second.Client.GetAsync($"/todos/{todo.TodoId}");

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task List_pages_are_cached_and_evicted_by_creates_and_deletes()
    {
        var owner = TodoTestData.NewOwner();
        var list = $"/todos?userEmail={Uri.EscapeDataString(owner)}";
        var existing = await system.Client.CreateTodoAsync(owner, "Existing");
        (await _second.Client.GetAsync(list)).Dispose();
        using var cached = await _second.Client.GetAsync(list);

        var added = await system.Client.CreateTodoAsync(owner, "Added");
        var afterCreate = await _second.Client.GetFromJsonAsync<List<TodoDto>>(list);
        (await system.Client.DeleteAsync($"/todos/{existing.TodoId}")).Dispose();
        var afterDelete = await _second.Client.GetFromJsonAsync<List<TodoDto>>(list);

        Assert.True(cached.Headers.Contains("Age"));
        Assert.Equal([added.TodoId, existing.TodoId], afterCreate!.Select(todo => todo.TodoId));
        Assert.Equal([added.TodoId], afterDelete!.Select(todo => todo.TodoId));
    }

    [Fact]
    public async Task Errors_are_not_cached()
    {
        var id = Guid.CreateVersion7();
        (await system.Client.GetAsync($"/todos/{id}")).Dispose();

        using var second = await system.Client.GetAsync($"/todos/{id}");

        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        Assert.False(second.Headers.Contains("Age"));
        Assert.Empty(CacheKeysMentioning(id));
    }

    private List<string> CacheKeysMentioning(Guid id)
    {
        var server = _redis.GetServers().Single();
        return server.Keys(pattern: "todo/__MSOCV_*").Select(key => key.ToString())
            .Where(key => key.Contains(id.ToString(), StringComparison.OrdinalIgnoreCase))
            .ToList();
    }
}
