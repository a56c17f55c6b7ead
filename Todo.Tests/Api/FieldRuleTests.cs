using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>One rule, one message: a bad value gets the same answer in a body, a merge patch and the query string.</summary>
[Collection(TodoSystemCollection.Name)]
public sealed class FieldRuleTests(TodoSystem system)
{
    public static TheoryData<string, string> BadFilterValues => new()
    {
        { "userEmail", "not-an-email" },
        { "userEmail", new string('a', 250) + "@example.com" },
        { "status", "archived" },
        { "status", "PENDING" },
    };

    [Theory]
    [MemberData(nameof(BadFilterValues))]
    public async Task The_body_the_merge_patch_and_the_query_string_give_one_message(string field, string value)
    {
        var body = TodoTestData.ValidBody();
        body[field] = value;
        using var created = await system.Client.PostAsJsonAsync("/todos", body);
        var todo = await system.Client.CreateTodoAsync();
        using var patched = await system.Client.PatchAsync($"/todos/{todo.TodoId}",
            new StringContent(JsonSerializer.Serialize(new Dictionary<string, string> { [field] = value }), Encoding.UTF8, "application/merge-patch+json"));
        using var listed = await system.Client.GetAsync($"/todos?{field}={Uri.EscapeDataString(value)}");

        var messages = new List<string?>();
        foreach (var response in new[] { created, patched, listed })
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
            messages.Add(problem.GetProperty("errors").GetProperty(field)[0].GetString());
        }

        Assert.Single(messages.Distinct());
    }
}
