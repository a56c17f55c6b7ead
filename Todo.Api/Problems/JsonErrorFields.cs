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
            _ when IsTooDeep(exception) => new() { [field ?? "body"] = [$"nests deeper than {TodoJsonContext.MaxDepth} levels."] },
            null => new() { ["body"] = ["must be a JSON object with the fields of a todo."] },
            _ when TodoFields.Names.Contains(field) => new() { [field] = [TodoFields.MustBeString] },
            _ => new() { [field] = [TodoFields.IsNotAField] },
        };
    }

    /// <summary>
    /// The reader went past <see cref="TodoJsonContext.MaxDepth"/>: told by the path where there is one (the body object
    /// is 1, <c>$.x[0][0]</c> 4), else by the reader's own words, the only place a document (a merge patch) reports it.
    /// </summary>
    private static bool IsTooDeep(JsonException exception) =>
        (exception.Path is { } path && 1 + path.Count(character => character is '.' or '[') >= TodoJsonContext.MaxDepth)
        || exception.Message.Contains("maximum configured depth", StringComparison.Ordinal)
        || exception.InnerException?.Message.Contains("maximum allowed depth", StringComparison.Ordinal) == true;

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
