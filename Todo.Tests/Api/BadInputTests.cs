using System.Net;
using System.Net.Http.Json;
using System.Text;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>Bad input gets a 4xx problem that names what to fix: never a 500, never a stored row.</summary>
[Collection(TodoSystemCollection.Name)]
public sealed class BadInputTests(TodoSystem system)
{
    public static TheoryData<string, string?, string> InvalidFields => new()
    {
        { "title", null, "title" },
        { "title", "", "title" },
        { "title", "   ", "title" },
        { "title", new string('x', 201), "title" },
        { "title", "line\nbreak", "title" },
        { "title", "nul\0character", "title" },
        { "description", new string('x', 2001), "description" },
        { "description", "bell\acharacter", "description" },
        { "userEmail", null, "userEmail" },
        { "userEmail", "not-an-email", "userEmail" },
        { "userEmail", "two@@example.com", "userEmail" },
        { "userEmail", "trailing@example.com\n", "userEmail" },
        { "userEmail", new string('a', 250) + "@example.com", "userEmail" },
        { "dueDate", null, "dueDate" },
        { "dueDate", "", "dueDate" },
        { "dueDate", "tomorrow", "dueDate" },
        { "dueDate", "2025-02-30", "dueDate" },
        { "dueDate", "31/12/2025", "dueDate" },
        { "dueDate", "2025-12-31T25:00:00Z", "dueDate" },
        { "status", "archived", "status" },
        { "status", "PENDING", "status" },
        { "status", "", "status" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task An_invalid_field_returns_400_naming_it_and_stores_nothing(string field, string? value, string reported)
    {
        var owner = TodoTestData.NewOwner();
        var body = TodoTestData.ValidBody(owner);
        if (value is null)
        {
            body.Remove(field);
        }
        else
        {
            body[field] = value;
        }

        using var response = await system.Client.PostAsJsonAsync("/todos", body);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, reported);
        await AssertNothingStoredFor(field == "userEmail" ? null : owner);
    }

    [Fact]
    public async Task Several_invalid_fields_are_all_reported_at_once()
    {
        using var response = await system.Client.PostAsJsonAsync("/todos", new { title = "", dueDate = "soon", userEmail = "nobody", status = "x" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors").EnumerateObject().Select(error => error.Name).Order();
        Assert.Equal(["dueDate", "status", "title", "userEmail"], errors);
    }

    [Theory]
    [InlineData("""{"title":"a","dueDate":"2025-12-31","userEmail":"a@example.com",""", "body")]
    [InlineData("""{"title":"a" "dueDate":"2025-12-31"}""", "body")]
    [InlineData("not json at all", "body")]
    [InlineData("[]", "body")]
    [InlineData("\"just a string\"", "body")]
    [InlineData("""{"title":42,"dueDate":"2025-12-31","userEmail":"a@example.com"}""", "title")]
    [InlineData("""{"title":"a","dueDate":20251231,"userEmail":"a@example.com"}""", "dueDate")]
    [InlineData("""{"title":"a","dueDate":"2025-12-31","userEmail":["a@example.com"]}""", "userEmail")]
    [InlineData("""{"title":"a","dueDate":"2025-12-31","userEmail":"a@example.com","priority":1}""", "priority")]
    [InlineData("""{"title":"a","dueDate":"2025-12-31","userEmail":"a@example.com","todoId":"x"}""", "todoId")]
    public async Task Malformed_or_mistyped_json_returns_400_naming_the_field(string json, string field)
    {
        using var response = await system.Client.PostAsync("/todos", new StringContent(json, Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task An_empty_body_returns_400()
    {
        using var response = await system.Client.PostAsync("/todos", new StringContent("", Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task A_body_that_is_not_json_returns_415(string contentType)
    {
        var json = """{"title":"a","dueDate":"2025-12-31","userEmail":"a@example.com"}""";

        using var response = await system.Client.PostAsync("/todos", new StringContent(json, Encoding.UTF8, contentType));

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("application/json", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_oversized_body_returns_413()
    {
        var body = TodoTestData.ValidBody();
        body["description"] = new string('x', 64 * 1024);

        using var response = await system.Client.PostAsJsonAsync("/todos", body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("32768", problem.GetProperty("detail").GetString());
    }

    /// <summary>
    /// A merge patch is read as a whole document: 16 levels are read (then the unknown field is what is wrong), the
    /// 17th is refused while reading. The patch object is the first level, so <paramref name="arrays"/> arrays inside
    /// it make <paramref name="arrays"/> + 1. (A todo body refuses an unknown field or a non-string value before any
    /// nesting, so it cannot get that deep.)
    /// </summary>
    [Theory]
    [InlineData(15, false)]
    [InlineData(16, true)]
    [InlineData(100, true)]
    public async Task Json_nested_deeper_than_16_levels_is_refused_while_reading(int arrays, bool tooDeep)
    {
        var todo = await system.Client.CreateTodoAsync();
        var json = """{"x":""" + new string('[', arrays) + new string(']', arrays) + "}";

        using var response = await system.Client.PatchAsync($"/todos/{todo.TodoId}", new StringContent(json, Encoding.UTF8, "application/merge-patch+json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var described = problem.ToString();
        Assert.True(tooDeep == described.Contains("deeper than 16 levels", StringComparison.Ordinal), described);
    }

    /// <summary>
    /// A 32 KiB merge patch of thousands of made-up fields: the answer names the first ten and counts the rest, instead
    /// of growing with the input (it was about 460 KB for 4,600 names, fourteen times the request).
    /// </summary>
    [Fact]
    public async Task Errors_for_unknown_patch_fields_are_capped_and_say_how_many_more()
    {
        var todo = await system.Client.CreateTodoAsync();
        var fields = Enumerable.Range(0, 3000).Select(i => $"\"f{i:D4}\":0").ToList();
        var json = "{" + string.Join(',', fields) + "}";

        using var response = await system.Client.PatchAsync($"/todos/{todo.TodoId}", new StringContent(json, Encoding.UTF8, "application/merge-patch+json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors").EnumerateObject().Select(error => error.Name).ToList();
        Assert.Equal(["f0000", "f0001", "f0002", "f0003", "f0004", "f0005", "f0006", "f0007", "f0008", "f0009", "body"], errors);
        Assert.Contains("2990 more fields", problem.GetProperty("errors").GetProperty("body")[0].GetString());
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length < 4096, $"{json.Length:N0} bytes of patch");
    }

    [Fact]
    public async Task An_unknown_route_returns_404_problem_details()
    {
        using var response = await system.Client.GetAsync("/nothing-here");

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_unsupported_method_returns_405_problem_details()
    {
        using var response = await system.Client.PutAsync("/todos", JsonContent.Create(TodoTestData.ValidBody()));

        await response.AssertProblemAsync(HttpStatusCode.MethodNotAllowed);
    }

    private async Task AssertNothingStoredFor(string? owner)
    {
        if (owner is not null)
        {
            Assert.Empty((await system.Client.GetFromJsonAsync<List<TodoDto>>($"/todos?userEmail={Uri.EscapeDataString(owner)}"))!);
        }
    }
}
