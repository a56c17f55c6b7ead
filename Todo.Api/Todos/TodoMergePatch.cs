using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace Todo.Api.Todos;

/// <summary>
/// RFC 7396 JSON merge patch over a todo's writable fields. The merged result is validated as a whole,
/// exactly like a PUT body. Removing a required field (<c>null</c>) is an error; removing the description empties it.
/// </summary>
public static class TodoMergePatch
{
    /// <summary>Unknown fields named in the errors; the rest are counted, so the answer stays small whatever was sent.</summary>
    public const int MaxUnknownFieldsReported = 10;

    public static bool TryMerge(JsonElement patch, TodoItem current, [NotNullWhen(true)] out TodoRequest? merged,
        out Dictionary<string, string[]> errors)
    {
        errors = [];
        merged = null;
        if (patch.ValueKind is not JsonValueKind.Object)
        {
            errors["body"] = ["must be a JSON object of the fields to change."];
            return false;
        }

        var result = new TodoRequest
        {
            Title = current.Title,
            Description = current.Description,
            DueDate = current.DueDate.ToString("O", CultureInfo.InvariantCulture),
            Status = TodoStatusNames.ToName(current.Status),
            UserEmail = current.UserEmail,
        };
        var unknownFields = 0;
        foreach (var field in patch.EnumerateObject())
        {
            if (!TodoRequest.FieldNames.Contains(field.Name))
            {
                if (!errors.ContainsKey(field.Name) && ++unknownFields <= MaxUnknownFieldsReported)
                {
                    errors[field.Name] = [$"is not a field of a todo; the fields are {string.Join(", ", TodoRequest.FieldNames)}."];
                }
                continue;
            }

            string? value;
            switch (field.Value.ValueKind)
            {
                case JsonValueKind.String when TryGetString(field.Value, out var text):
                    value = text;
                    break;
                case JsonValueKind.String:
                    errors[field.Name] = ["must be well-formed Unicode."];
                    continue;
                case JsonValueKind.Null when field.Name == "description":
                    value = "";
                    break;
                case JsonValueKind.Null:
                    errors[field.Name] = ["is required and cannot be removed."];
                    continue;
                default:
                    errors[field.Name] = ["must be a JSON string."];
                    continue;
            }

            result = field.Name switch
            {
                "title" => result with { Title = value },
                "description" => result with { Description = value },
                "dueDate" => result with { DueDate = value },
                "status" => result with { Status = value },
                _ => result with { UserEmail = value },
            };
        }

        if (unknownFields > MaxUnknownFieldsReported)
        {
            errors["body"] = [$"has {unknownFields - MaxUnknownFieldsReported} more fields that are not fields of a todo; the first {MaxUnknownFieldsReported} are listed."];
        }

        merged = errors.Count == 0 ? result : null;
        return merged is not null;
    }

    /// <summary>A JSON string escaping half a surrogate pair (<c>"\ud83d"</c>) is valid JSON but no text.</summary>
    private static bool TryGetString(JsonElement value, out string? text)
    {
        try
        {
            text = value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }
}
