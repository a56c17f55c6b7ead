using System.Net;
using System.Net.Http.Json;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

[Collection(TodoSystemCollection.Name)]
public sealed class DeleteTodoTests(TodoSystem system)
{
    [Fact]
    public async Task Deleting_a_todo_returns_204_and_it_is_gone()
    {
        var todo = await system.Client.CreateTodoAsync();

        using var response = await system.Client.DeleteAsync($"/todos/{todo.TodoId}");
        using var read = await system.Client.GetAsync($"/todos/{todo.TodoId}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        await read.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleting_twice_returns_404_the_second_time()
    {
        var todo = await system.Client.CreateTodoAsync();
        (await system.Client.DeleteAsync($"/todos/{todo.TodoId}")).Dispose();

        using var response = await system.Client.DeleteAsync($"/todos/{todo.TodoId}");

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleting_with_a_stale_etag_returns_412_and_keeps_the_todo()
    {
        using var created = await system.Client.PostAsJsonAsync("/todos", TodoTestData.ValidBody());
        var todo = (await created.Content.ReadFromJsonAsync<TodoDto>())!;
        (await system.Client.PutAsJsonAsync($"/todos/{todo.TodoId}", TodoTestData.ValidBody(todo.UserEmail, "Changed"))).Dispose();

        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/todos/{todo.TodoId}");
        request.Headers.IfMatch.Add(created.Headers.ETag!);
        using var response = await system.Client.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal("Changed", (await system.Client.GetFromJsonAsync<TodoDto>($"/todos/{todo.TodoId}"))!.Title);
    }

    [Fact]
    public async Task Deleting_with_the_current_etag_succeeds()
    {
        using var created = await system.Client.PostAsJsonAsync("/todos", TodoTestData.ValidBody());
        var todo = (await created.Content.ReadFromJsonAsync<TodoDto>())!;

        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/todos/{todo.TodoId}");
        request.Headers.IfMatch.Add(created.Headers.ETag!);
        using var response = await system.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Deleting_with_a_malformed_id_returns_400()
    {
        using var response = await system.Client.DeleteAsync("/todos/42");

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "todoId");
    }
}
