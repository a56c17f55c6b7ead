using System.Net;
using System.Net.Http.Json;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

[Collection(TodoSystemCollection.Name)]
public sealed class CreateTodoTests(TodoSystem system)
{
    [Fact]
    public async Task Posting_a_valid_todo_returns_201_with_location_etag_and_the_stored_todo()
    {
        var owner = TodoTestData.NewOwner();
        var before = DateTime.UtcNow.AddSeconds(-1);

        using var response = await system.Client.PostAsJsonAsync("/todos", TodoTestData.ValidBody(owner, "Water the plants"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var todo = (await response.Content.ReadFromJsonAsync<TodoDto>())!;
        Assert.Equal($"/todos/{todo.TodoId}", response.Headers.Location?.OriginalString);
        Assert.False(response.Headers.ETag!.IsWeak);
        using var read = await system.Client.GetAsync(response.Headers.Location);
        Assert.Equal(read.Headers.ETag, response.Headers.ETag);
        Assert.Equal(7, todo.TodoId.Version);
        Assert.Equal("Water the plants", todo.Title);
        Assert.Equal("Two litres, semi-skimmed", todo.Description);
        Assert.Equal(new DateTime(2025, 12, 31, 0, 0, 0, DateTimeKind.Utc), todo.DueDate);
        Assert.Equal("pending", todo.Status);
        Assert.Equal(owner, todo.UserEmail);
        Assert.InRange(todo.CreatedAt, before, DateTime.UtcNow.AddSeconds(1));
        Assert.Equal(todo.CreatedAt, todo.UpdatedAt);
    }

    [Fact]
    public async Task A_created_todo_reads_back_exactly_as_the_create_returned_it()
    {
        var created = await system.Client.CreateTodoAsync();

        var read = await system.Client.GetFromJsonAsync<TodoDto>($"/todos/{created.TodoId}");

        Assert.Equal(created, read);
    }

    [Fact]
    public async Task Status_defaults_to_pending_and_description_to_empty()
    {
        using var response = await system.Client.PostAsJsonAsync("/todos", new
        {
            title = "Minimal",
            dueDate = "2026-01-15T09:30:00+02:00",
            userEmail = TodoTestData.NewOwner(),
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var todo = (await response.Content.ReadFromJsonAsync<TodoDto>())!;
        Assert.Equal("pending", todo.Status);
        Assert.Equal("", todo.Description);
        Assert.Equal(new DateTime(2026, 1, 15, 7, 30, 0, DateTimeKind.Utc), todo.DueDate);
    }

    [Theory]
    [InlineData("pending")]
    [InlineData("in_progress")]
    [InlineData("done")]
    public async Task Every_status_is_accepted(string status)
    {
        var body = TodoTestData.ValidBody();
        body["status"] = status;

        using var response = await system.Client.PostAsJsonAsync("/todos", body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(status, (await response.Content.ReadFromJsonAsync<TodoDto>())!.Status);
    }

    [Fact]
    public async Task Titles_of_200_characters_count_characters_not_utf16_units()
    {
        var body = TodoTestData.ValidBody(title: string.Concat(Enumerable.Repeat("😀", 200)));

        using var response = await system.Client.PostAsJsonAsync("/todos", body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(body["title"], (await response.Content.ReadFromJsonAsync<TodoDto>())!.Title);
    }

    [Fact]
    public async Task Ids_grow_with_time_so_newer_todos_sort_first()
    {
        var first = await system.Client.CreateTodoAsync();
        await Task.Delay(5);
        var second = await system.Client.CreateTodoAsync();

        Assert.True(string.CompareOrdinal(second.TodoId.ToString(), first.TodoId.ToString()) > 0);
    }
}
