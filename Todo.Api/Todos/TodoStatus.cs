using System.Text.Json.Serialization;

namespace Todo.Api.Todos;

[JsonConverter(typeof(JsonStringEnumConverter<TodoStatus>))]
public enum TodoStatus
{
    [JsonStringEnumMemberName("pending")]
    Pending,

    [JsonStringEnumMemberName("in_progress")]
    InProgress,

    [JsonStringEnumMemberName("done")]
    Done,
}

/// <summary>The names a status has on the wire and in the database.</summary>
public static class TodoStatusNames
{
    public const string Pending = "pending";
    public const string InProgress = "in_progress";
    public const string Done = "done";

    public static readonly string AllowedValues = $"{Pending}, {InProgress}, {Done}";

    public static string ToName(TodoStatus status) => status switch
    {
        TodoStatus.Pending => Pending,
        TodoStatus.InProgress => InProgress,
        TodoStatus.Done => Done,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static bool TryParse(string? name, out TodoStatus status)
    {
        (var known, status) = name switch
        {
            Pending => (true, TodoStatus.Pending),
            InProgress => (true, TodoStatus.InProgress),
            Done => (true, TodoStatus.Done),
            _ => (false, default),
        };
        return known;
    }

    public static TodoStatus Parse(string name) =>
        TryParse(name, out var status) ? status : throw new FormatException($"Unknown todo status '{name}'.");
}
