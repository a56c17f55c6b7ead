using System.Net;
using System.Net.Http.Json;
using System.Text;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>
/// The shared Redis output cache: every instance reads the entries any instance stored, and each write invalidates
/// what it changed before it responds. A response served from the cache carries <c>Age</c>; one computed does not.
/// </summary>
[Collection(TodoSystemCollection.Name)]
public sealed class CachingTests(TodoSystem system)
{
    [Fact]
    public async Task A_second_read_is_served_from_the_entry_the_first_read_stored()
    {
        var todo = await system.Client.CreateTodoAsync();

        using var first = await system.Client.GetAsync($"/todos/{todo.TodoId}");
        using var second = await system.Client.GetAsync($"/todos/{todo.TodoId}");

        Assert.False(first.Headers.Contains("Age"));
        Assert.True(second.Headers.Contains("Age"));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.Equal(first.Content.Headers.ContentType, second.Content.Headers.ContentType);
    }

    [Fact]
    public async Task An_instance_that_never_saw_a_request_serves_it_from_the_shared_store()
    {
        var todo = await system.Client.CreateTodoAsync();
        (await system.Client.GetAsync($"/todos/{todo.TodoId}")).Dispose();

        using var fromOtherInstance = await system.Second.Client.GetAsync($"/todos/{todo.TodoId}");

        Assert.True(fromOtherInstance.Headers.Contains("Age"));
        Assert.Equal(todo, await fromOtherInstance.Content.ReadFromJsonAsync<TodoDto>());
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    public async Task A_change_through_one_instance_is_read_at_once_through_another(string method)
    {
        var todo = await system.Client.CreateTodoAsync();
        await PrimeAsync(system.Second.Client, $"/todos/{todo.TodoId}");

        using var change = await ChangeAsync(system.Client, method, todo, "Changed on the first");
        var read = await system.Second.Client.GetFromJsonAsync<TodoDto>($"/todos/{todo.TodoId}");

        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        Assert.Equal("Changed on the first", read!.Title);
    }

    [Fact]
    public async Task A_deleted_todo_is_gone_at_once_on_every_instance()
    {
        var todo = await system.Client.CreateTodoAsync();
        await PrimeAsync(system.Second.Client, $"/todos/{todo.TodoId}");

        (await system.Client.DeleteAsync($"/todos/{todo.TodoId}")).Dispose();
        using var read = await system.Second.Client.GetAsync($"/todos/{todo.TodoId}");

        await read.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task A_list_page_cached_on_one_instance_shows_a_write_through_another_at_once(string method)
    {
        var owner = TodoTestData.NewOwner();
        var list = $"/todos?userEmail={Uri.EscapeDataString(owner)}";
        var existing = await system.Client.CreateTodoAsync(owner, "Existing");
        await PrimeAsync(system.Second.Client, list);

        var expected = new List<TodoDto>();
        if (method == "POST")
        {
            expected.Add(await system.Client.CreateTodoAsync(owner, "Added"));
            expected.Add(existing);
        }
        else if (method == "DELETE")
        {
            (await system.Client.DeleteAsync($"/todos/{existing.TodoId}")).Dispose();
        }
        else
        {
            using var change = await ChangeAsync(system.Client, method, existing, "Changed");
            expected.Add((await change.Content.ReadFromJsonAsync<TodoDto>())!);
        }
        var afterWrite = await system.Second.Client.GetFromJsonAsync<List<TodoDto>>(list);

        Assert.Equal(expected, afterWrite);
    }

    [Fact]
    public async Task Queries_that_mean_the_same_page_share_one_entry()
    {
        var owner = TodoTestData.NewOwner();
        await system.Client.CreateTodoAsync(owner);
        var email = Uri.EscapeDataString(owner);
        (await system.Client.GetAsync($"/todos?userEmail={email}&limit=100")).Dispose();

        using var reordered = await system.Second.Client.GetAsync($"/todos?limit=0100&userEmail={email}");
        using var implicitLimit = await system.Second.Client.GetAsync($"/todos?userEmail={email}");

        Assert.True(reordered.Headers.Contains("Age"));
        Assert.True(implicitLimit.Headers.Contains("Age"));
    }

    [Fact]
    public async Task Errors_are_not_cached()
    {
        var id = Guid.CreateVersion7();
        (await system.Client.GetAsync($"/todos/{id}")).Dispose();

        using var second = await system.Client.GetAsync($"/todos/{id}");
        using var elsewhere = await system.Second.Client.GetAsync($"/todos/{id}");

        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        Assert.False(second.Headers.Contains("Age"));
        Assert.False(elsewhere.Headers.Contains("Age"));
    }

    [Fact]
    public async Task A_response_larger_than_the_maximum_body_size_is_served_but_not_cached()
    {
        await using var small = system.StartAnotherApi(new Dictionary<string, string?> { ["OutputCache:MaximumBodySize"] = "1024" });
        var owner = TodoTestData.NewOwner();
        for (var i = 0; i < 10; i++)
        {
            await small.Client.CreateTodoAsync(owner);
        }
        var list = $"/todos?userEmail={Uri.EscapeDataString(owner)}";

        using var first = await small.Client.GetAsync(list);
        using var second = await small.Client.GetAsync(list);

        Assert.True((await first.Content.ReadAsByteArrayAsync()).Length > 1024);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.False(second.Headers.Contains("Age"));
    }

    /// <summary>Reads <paramref name="path"/> until it comes from the cache, so that a later read proves an invalidation.</summary>
    private static async Task PrimeAsync(HttpClient client, string path)
    {
        (await client.GetAsync(path)).Dispose();
        using var cached = await client.GetAsync(path);
        Assert.True(cached.Headers.Contains("Age"), $"{path} was not cached");
    }

    private static Task<HttpResponseMessage> ChangeAsync(HttpClient client, string method, TodoDto todo, string title) =>
        method == "PUT"
            ? client.PutAsJsonAsync($"/todos/{todo.TodoId}", TodoTestData.ValidBody(todo.UserEmail, title))
            : client.PatchAsync($"/todos/{todo.TodoId}",
                new StringContent($$"""{"title":"{{title}}"}""", Encoding.UTF8, "application/merge-patch+json"));
}
