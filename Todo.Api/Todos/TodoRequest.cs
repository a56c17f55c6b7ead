using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Todo.Api.Todos;

/// <summary>
/// The body of <c>POST /todos</c> and <c>PUT /todos/{todoId}</c>. Every field is read as text and checked by
/// <see cref="TodoInput"/> against <see cref="TodoFields"/>, so each bad value is reported by name; any other field is rejected.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TodoRequest
{
    [Description("1 to 200 characters.")]
    public string? Title { get; init; }

    [Description("Up to 2000 characters; empty when left out.")]
    public string? Description { get; init; }

    [Description("ISO-8601 date (2025-12-31) or date-time (2025-12-31T17:00:00Z); a date-time without offset is UTC.")]
    public string? DueDate { get; init; }

    [Description("pending (the default), in_progress or done.")]
    public string? Status { get; init; }

    [Description("The owner's email address, up to 254 characters.")]
    public string? UserEmail { get; init; }
}
