using System.Net.Http.Json;

namespace Todo.Tests.Infrastructure;

/// <summary>A todo as a client reads it.</summary>
public sealed record TodoDto(
    Guid TodoId, string Title, string Description, DateTime DueDate, string Status, string UserEmail, string Owner, DateTime CreatedAt, DateTime UpdatedAt);

public static class TodoTestData
{
    /// <summary>An owner no other test uses, so a test's list queries see only its own todos.</summary>
    public static string NewOwner() => $"owner-{Guid.NewGuid():N}@tests.example";

    public static Dictionary<string, object?> ValidBody(string? owner = null, string title = "Buy milk") => new()
    {
        ["title"] = title,
        ["description"] = "Two litres, semi-skimmed",
        ["dueDate"] = "2025-12-31",
        ["status"] = "pending",
        ["userEmail"] = owner ?? NewOwner(),
    };

    public static async Task<TodoDto> CreateTodoAsync(this HttpClient client, string? owner = null, string title = "Buy milk")
    {
        using var response = await client.PostAsJsonAsync("/todos", ValidBody(owner, title));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TodoDto>())!;
    }
}
