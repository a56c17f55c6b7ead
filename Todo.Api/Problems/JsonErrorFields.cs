using System.Text.Json;
using Todo.Api.Todos;

namespace Todo.Api.Problems;

/// <summary>Turns the position of a JSON error into the field a client should fix, without echoing parser internals.</summary>
public static class JsonErrorFields
{
    public static Dictionary<string, string[]> From(JsonException exception)
    {
        var field = FirstMember(exception.Path);
        return field switch
        {
            null => new() { ["body"] = ["must be a JSON object with the fields of a todo."] },
            _ when TodoRequest.FieldNames.Contains(field) => new() { [field] = ["must be a JSON string."] },
            _ => new() { [field] = [$"is not a field of a todo; the fields are {string.Join(", ", TodoRequest.FieldNames)}."] },
        };
    }

    /// <summary><c>$.title</c> → <c>title</c>; <c>$['odd name']</c> → <c>odd name</c>; <c>$</c> → null.</summary>
    private static string? FirstMember(string? path)
    {
        if (path is null || path.Length < 2 || path[0] != '$')
        {
            return null;
        }
        if (path[1] == '.')
        {
            var name = path[2..];
            var end = name.IndexOfAny(['.', '[']);
            return end < 0 ? name : name[..end];
        }
        if (path.StartsWith("$['", StringComparison.Ordinal))
        {
            var end = path.IndexOf("']", 3, StringComparison.Ordinal);
            return end < 0 ? null : path[3..end];
        }
        return null;
    }
}
