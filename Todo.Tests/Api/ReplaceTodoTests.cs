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
        Assert.NotNull(response.Headers.ETag);
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

    /// <summary>
    /// Four replacements that all read the todo before any of them writes (the test holds the row until all four
    /// wait): each is answered with exactly its own todo and its own version, and the todo is the one answered last.
    /// </summary>
    [Fact]
    public async Task Concurrent_puts_without_preconditions_that_read_the_same_version_all_succeed_and_the_last_one_stands()
    {
        var todo = await system.Client.CreateTodoAsync();
        var bodies = Enumerable.Range(0, 4).Select(i => TodoTestData.ValidBody(todo.UserEmail, $"Writer {i}")).ToList();

        Task<HttpResponseMessage[]> replacing;
        await using (var row = await HeldLock.TakeAsync(system.TodosConnectionString, "SELECT 1 FROM todos WHERE todo_id = $1 FOR UPDATE", todo.TodoId))
        {
            replacing = Task.WhenAll(bodies.Select(body => system.Client.PutAsJsonAsync($"/todos/{todo.TodoId}", body)));
            await row.WaitForWaitersAsync(bodies.Count);
        }
        var responses = await replacing;

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        var answered = await Task.WhenAll(responses.Select(response => response.Content.ReadFromJsonAsync<TodoDto>()));
        Assert.All(answered.Zip(bodies), pair => Assert.Equal((string)pair.Second["title"]!, pair.First!.Title));
        Assert.All(answered, replaced => Assert.Equal((todo.TodoId, todo.CreatedAt), (replaced!.TodoId, replaced.CreatedAt)));
        Assert.Equal(bodies.Count, responses.Select(response => response.Headers.ETag!.Tag).Distinct().Count());
        using var read = await system.Client.GetAsync($"/todos/{todo.TodoId}");
        var last = Array.FindIndex(responses, response => response.Headers.ETag!.Equals(read.Headers.ETag));
        Assert.True(last >= 0, "the todo's version is none of the answers'");
        Assert.Equal(await read.Content.ReadFromJsonAsync<TodoDto>(), answered[last]);
    }
}
