using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

[Collection(TodoSystemCollection.Name)]
public sealed class ReplaceTodoTests(TodoSystem system)
{
    [Fact]
    public async Task Putting_a_todo_replaces_every_writable_field_and_keeps_id_and_creation_time()
    {
        var todo = await system.Client.CreateTodoAsync();
        var owner = TodoTestData.NewOwner();

        using var response = await system.Client.PutAsJsonAsync($"/todos/{todo.TodoId}", new
        {
            title = "Renamed",
            dueDate = "2027-03-01T12:00:00Z",
            status = "in_progress",
            userEmail = owner,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var replaced = (await response.Content.ReadFromJsonAsync<TodoDto>())!;
        Assert.Equal(todo with
        {
            Title = "Renamed",
            Description = "",
            DueDate = new DateTime(2027, 3, 1, 12, 0, 0, DateTimeKind.Utc),
            Status = "in_progress",
            UserEmail = owner,
            UpdatedAt = replaced.UpdatedAt,
        }, replaced);
        Assert.True(replaced.UpdatedAt > todo.UpdatedAt);
        Assert.Equal(replaced, await system.Client.GetFromJsonAsync<TodoDto>($"/todos/{todo.TodoId}"));
    }

    [Fact]
    public async Task Putting_with_the_current_etag_succeeds_and_returns_a_new_etag()
    {
        using var created = await system.Client.PostAsJsonAsync("/todos", TodoTestData.ValidBody());
        var todo = (await created.Content.ReadFromJsonAsync<TodoDto>())!;

        using var request = new HttpRequestMessage(HttpMethod.Put, $"/todos/{todo.TodoId}")
        {
            Content = JsonContent.Create(TodoTestData.ValidBody(todo.UserEmail, "With precondition")),
        };
        request.Headers.IfMatch.Add(created.Headers.ETag!);
        using var response = await system.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(created.Headers.ETag, response.Headers.ETag);
    }

    [Fact]
    public async Task Putting_with_a_stale_etag_returns_412_and_changes_nothing()
    {
        using var created = await system.Client.PostAsJsonAsync("/todos", TodoTestData.ValidBody());
        var todo = (await created.Content.ReadFromJsonAsync<TodoDto>())!;
        (await system.Client.PutAsJsonAsync($"/todos/{todo.TodoId}", TodoTestData.ValidBody(todo.UserEmail, "Someone else"))).Dispose();

        using var request = new HttpRequestMessage(HttpMethod.Put, $"/todos/{todo.TodoId}")
        {
            Content = JsonContent.Create(TodoTestData.ValidBody(todo.UserEmail, "Lost update")),
        };
        request.Headers.IfMatch.Add(created.Headers.ETag!);
        using var response = await system.Client.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal("Someone else", (await system.Client.GetFromJsonAsync<TodoDto>($"/todos/{todo.TodoId}"))!.Title);
    }

    [Fact]
    public async Task If_match_star_requires_only_that_the_todo_exists()
    {
        var todo = await system.Client.CreateTodoAsync();

        using var request = new HttpRequestMessage(HttpMethod.Put, $"/todos/{todo.TodoId}")
        {
            Content = JsonContent.Create(TodoTestData.ValidBody(todo.UserEmail, "Any version")),
        };
        request.Headers.IfMatch.Add(EntityTagHeaderValue.Any);
        using var response = await system.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_malformed_if_match_returns_400()
    {
        var todo = await system.Client.CreateTodoAsync();

        using var request = new HttpRequestMessage(HttpMethod.Put, $"/todos/{todo.TodoId}")
        {
            Content = JsonContent.Create(TodoTestData.ValidBody(todo.UserEmail)),
        };
        request.Headers.TryAddWithoutValidation("If-Match", "not-quoted");
        using var response = await system.Client.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "If-Match");
    }

    [Fact]
    public async Task Putting_an_unknown_todo_returns_404()
    {
        using var response = await system.Client.PutAsJsonAsync($"/todos/{Guid.CreateVersion7()}", TodoTestData.ValidBody());

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Putting_applies_the_same_validation_as_posting()
    {
        var todo = await system.Client.CreateTodoAsync();

        using var response = await system.Client.PutAsJsonAsync($"/todos/{todo.TodoId}", new { title = "No date", userEmail = todo.UserEmail });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "dueDate");
    }

    [Fact]
    public async Task Concurrent_puts_without_preconditions_all_succeed_and_one_of_them_wins()
    {
        var todo = await system.Client.CreateTodoAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            system.Client.PutAsJsonAsync($"/todos/{todo.TodoId}", TodoTestData.ValidBody(todo.UserEmail, $"Writer {i}"))));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        var final = await system.Client.GetFromJsonAsync<TodoDto>($"/todos/{todo.TodoId}");
        Assert.Matches("^Writer [0-7]$", final!.Title);
    }
}
