using System.Net;
using System.Net.Http.Json;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

[Collection(TodoSystemCollection.Name)]
public sealed class GetTodoTests(TodoSystem system)
{
    [Fact]
    public async Task Getting_a_todo_returns_it_with_its_etag()
    {
        using var created = await system.Client.PostAsJsonAsync("/todos", TodoTestData.ValidBody());
        var todo = (await created.Content.ReadFromJsonAsync<TodoDto>())!;

        using var response = await system.Client.GetAsync($"/todos/{todo.TodoId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(created.Headers.ETag, response.Headers.ETag);
        Assert.Equal(todo, await response.Content.ReadFromJsonAsync<TodoDto>());
    }

    [Fact]
    public async Task The_id_in_the_url_is_case_insensitive()
    {
        var todo = await system.Client.CreateTodoAsync();

        var read = await system.Client.GetFromJsonAsync<TodoDto>($"/todos/{todo.TodoId.ToString().ToUpperInvariant()}");

        Assert.Equal(todo, read);
    }

    [Fact]
    public async Task An_unknown_id_returns_404_problem_details()
    {
        var id = Guid.CreateVersion7();

        using var response = await system.Client.GetAsync($"/todos/{id}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains(id.ToString(), problem.GetProperty("detail").GetString());
        Assert.Equal($"/todos/{id}", problem.GetProperty("instance").GetString());
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("12345")]
    [InlineData("0191d4a26f1e7c3a9b8e2f4d5c6b7a81")]
    [InlineData("%7B0191d4a2-6f1e-7c3a-9b8e-2f4d5c6b7a81%7D")]
    public async Task A_malformed_id_returns_400_naming_todoId(string id)
    {
        using var response = await system.Client.GetAsync($"/todos/{id}");

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "todoId");
    }

    [Fact]
    public async Task A_matching_if_none_match_returns_304()
    {
        using var created = await system.Client.PostAsJsonAsync("/todos", TodoTestData.ValidBody());
        var todo = (await created.Content.ReadFromJsonAsync<TodoDto>())!;
        (await system.Client.GetAsync($"/todos/{todo.TodoId}")).Dispose();

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/todos/{todo.TodoId}");
        request.Headers.IfNoneMatch.Add(created.Headers.ETag!);
        using var response = await system.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }
}
