using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Todo.Api.Todos;

/// <summary>
/// RFC 7396 JSON merge patch over a todo's writable fields: each field it names is checked on its own by
/// <see cref="TodoFields"/>, and the others are not touched. Removing a required field (<c>null</c>) is an error;
/// removing the description empties it.
/// </summary>
public static class TodoMergePatch
{
    /// <summary>Unknown fields named in the errors; the rest are counted, so the answer stays small whatever was sent.</summary>
    public const int MaxUnknownFieldsReported = 10;

    public static bool TryParse(JsonElement patch, [NotNullWhen(true)] out TodoChange? change, out Dictionary<string, string[]> errors)
    {
        errors = [];
        change = null;
        if (patch.ValueKind is not JsonValueKind.Object)
        {
            errors["body"] = ["must be a JSON object of the fields to change."];
            return false;
        }

        var result = TodoChange.None;
        var unknownFields = 0;
        foreach (var field in patch.EnumerateObject())
        {
            if (!TodoFields.Names.Contains(field.Name))
            {
                if (!errors.ContainsKey(field.Name) && ++unknownFields <= MaxUnknownFieldsReported)
                {
                    errors[field.Name] = [TodoFields.IsNotAField];
                }
                continue;
            }

            string? error;
            (result, error) = field.Value.ValueKind switch
            {
                JsonValueKind.Null when field.Name == TodoFields.Description => (result with { Description = "" }, null),
                JsonValueKind.Null => (result, TodoFields.CannotBeRemoved),
                JsonValueKind.String when TryGetString(field.Value) is { } text => With(result, field.Name, text),
                JsonValueKind.String => (result, TodoFields.MustBeWellFormed),
                _ => (result, TodoFields.MustBeString),
            };
            if (error is not null)
            {
                errors[field.Name] = [error];
            }
        }

        if (unknownFields > MaxUnknownFieldsReported)
        {
            errors["body"] = [$"has {unknownFields - MaxUnknownFieldsReported} more fields that are not fields of a todo; the first {MaxUnknownFieldsReported} are listed."];
        }

        change = errors.Count == 0 ? result : null;
        return change is not null;
    }

    private static (TodoChange Change, string? Error) With(TodoChange change, string field, string value) => field switch
    {
        TodoFields.Title => With(change, TodoFields.CheckTitle(value), title => change with { Title = title }),
        TodoFields.Description => With(change, TodoFields.CheckDescription(value), description => change with { Description = description }),
        TodoFields.DueDate => With(change, TodoFields.CheckDueDate(value), dueDate => change with { DueDate = dueDate }),
        TodoFields.Status => With(change, TodoFields.CheckStatus(value), status => change with { Status = status }),
        _ => With(change, TodoFields.CheckUserEmail(value), userEmail => change with { UserEmail = userEmail }),
    };

    private static (TodoChange Change, string? Error) With<T>(TodoChange change, Checked<T> value, Func<T, TodoChange> apply) =>
        value.IsValid ? (apply(value.Value), null) : (change, value.Error);

    /// <summary>A JSON string escaping half a surrogate pair (<c>"\ud83d"</c>) is valid JSON but no text.</summary>
    private static string? TryGetString(JsonElement value)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
