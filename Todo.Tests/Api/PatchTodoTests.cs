using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

[Collection(TodoSystemCollection.Name)]
[Trait("Category", "Slow")]
public sealed class PatchTodoTests(TodoSystem system)
{
    [Fact]
    public async Task A_merge_patch_changes_only_the_fields_it_names()
    {
        var todo = await system.Client.CreateTodoAsync();

        using var response = await PatchAsync(todo.TodoId, """{"status":"done","title":"Milk bought"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var patched = (await response.Content.ReadFromJsonAsync<TodoDto>())!;
        Assert.Equal(todo with { Status = "done", Title = "Milk bought", UpdatedAt = patched.UpdatedAt }, patched);
        Assert.Equal(patched, await system.Client.GetFromJsonAsync<TodoDto>($"/todos/{todo.TodoId}"));
    }

    [Fact]
    public async Task Null_removes_the_description()
    {
        var todo = await system.Client.CreateTodoAsync();

        using var response = await PatchAsync(todo.TodoId, """{"description":null}""");

        Assert.Equal("", (await response.Content.ReadFromJsonAsync<TodoDto>())!.Description);
    }

    [Fact]
    public async Task Plain_application_json_is_accepted_too()
    {
        var todo = await system.Client.CreateTodoAsync();

        using var response = await PatchAsync(todo.TodoId, """{"status":"in_progress"}""", "application/json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"title":null}""", "title")]
    [InlineData("""{"userEmail":null}""", "userEmail")]
    [InlineData("""{"dueDate":null}""", "dueDate")]
    [InlineData("""{"title":42}""", "title")]
    [InlineData("""{"title":""}""", "title")]
    [InlineData("""{"status":"archived"}""", "status")]
    [InlineData("""{"todoId":"0191d4a2-6f1e-7c3a-9b8e-2f4d5c6b7a81"}""", "todoId")]
    [InlineData("""["title"]""", "body")]
    public async Task An_invalid_patch_returns_400_naming_the_field_and_changes_nothing(string patch, string field)
    {
        var todo = await system.Client.CreateTodoAsync();

        using var response = await PatchAsync(todo.TodoId, patch);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(todo, await system.Client.GetFromJsonAsync<TodoDto>($"/todos/{todo.TodoId}"));
    }

    [Fact]
    public async Task Patching_with_a_stale_etag_returns_412()
    {
        using var created = await system.Client.PostAsJsonAsync("/todos", TodoTestData.ValidBody());
        var todo = (await created.Content.ReadFromJsonAsync<TodoDto>())!;
        (await PatchAsync(todo.TodoId, """{"title":"First"}""")).Dispose();

        using var response = await PatchAsync(todo.TodoId, """{"title":"Second"}""", ifMatch: created.Headers.ETag!.Tag);

        await response.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal("First", (await system.Client.GetFromJsonAsync<TodoDto>($"/todos/{todo.TodoId}"))!.Title);
    }

    [Fact]
    public async Task Patching_an_unknown_todo_returns_404()
    {
        using var response = await PatchAsync(Guid.CreateVersion7(), """{"title":"x"}""");

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    /// <summary>
    /// Three patches that all read the todo before any of them writes (the test holds the row until all three wait to
    /// update it): every field is kept, each answer is a state the todo really had, and the last answer is the todo.
    /// </summary>
    [Fact]
    public async Task Concurrent_patches_of_different_fields_that_read_the_same_version_are_all_kept()
    {
        var todo = await system.Client.CreateTodoAsync();
        string[] patches = ["""{"title":"New title"}""", """{"status":"done"}""", """{"description":"New description"}"""];

        Task<HttpResponseMessage[]> patching;
        await using (var row = await HeldLock.TakeAsync(system.TodosConnectionString, "SELECT 1 FROM todos WHERE todo_id = $1 FOR UPDATE", todo.TodoId))
        {
            patching = Task.WhenAll(patches.Select(patch => PatchAsync(todo.TodoId, patch)));
            await row.WaitForWaitersAsync(patches.Length);
        }
        var responses = await patching;

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        using var read = await system.Client.GetAsync($"/todos/{todo.TodoId}");
        var final = (await read.Content.ReadFromJsonAsync<TodoDto>())!;
        Assert.Equal(("New title", "done", "New description"), (final.Title, final.Status, final.Description));
        Assert.Equal(patches.Length, responses.Select(response => response.Headers.ETag!.Tag).Distinct().Count());
        var last = Assert.Single(responses, response => response.Headers.ETag!.Equals(read.Headers.ETag));
        Assert.Equal(final, await last.Content.ReadFromJsonAsync<TodoDto>());
    }

    /// <summary>
    /// Four clients each change a field of their own, 300 times over, without <c>If-Match</c>: none is ever refused for
    /// contention (a read-modify-write retried on conflict gave up 48 times in 1,200), and every field ends at its
    /// client's last value.
    /// </summary>
    [Fact]
    public async Task Patches_without_if_match_are_never_refused_and_no_field_is_lost()
    {
        var todo = await system.Client.CreateTodoAsync();
        const int rounds = 300;
        string[] fields = ["title", "description", "dueDate", "userEmail"];
        static string Value(string field, int round) => field switch
        {
            "title" => $"Title {round}",
            "description" => $"Description {round}",
            "dueDate" => new DateOnly(2030, 1, 1).AddDays(round).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            _ => $"owner-{round}@tests.example",
        };

        var statuses = await Task.WhenAll(fields.Select(async field =>
        {
            var refused = new List<HttpStatusCode>();
            for (var round = 0; round < rounds; round++)
            {
                using var response = await PatchAsync(todo.TodoId, JsonSerializer.Serialize(new Dictionary<string, string> { [field] = Value(field, round) }));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    refused.Add(response.StatusCode);
                }
            }
            return refused;
        }));

        Assert.Empty(statuses.SelectMany(refused => refused));
        var final = (await system.Client.GetFromJsonAsync<TodoDto>($"/todos/{todo.TodoId}"))!;
        Assert.Equal((Value("title", rounds - 1), Value("description", rounds - 1), Value("userEmail", rounds - 1)),
            (final.Title, final.Description, final.UserEmail));
        Assert.Equal(Value("dueDate", rounds - 1), DateOnly.FromDateTime(final.DueDate).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }

    private Task<HttpResponseMessage> PatchAsync(Guid id, string json, string contentType = "application/merge-patch+json", string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/todos/{id}")
        {
            Content = new StringContent(json, Encoding.UTF8, contentType),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return system.Client.SendAsync(request);
    }
}
