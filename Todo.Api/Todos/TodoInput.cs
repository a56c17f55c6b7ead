using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Todo.Api.Todos;

/// <summary>
/// What a client sends to change todos, checked field by field with <see cref="TodoFields"/> into what the handlers
/// write: the body of a create or a replace becomes a <see cref="ValidTodo"/>, a merge patch a <see cref="TodoChange"/>.
/// Every error is keyed by the JSON field name.
/// </summary>
public static class TodoInput
{
    /// <summary>Unknown fields of a patch named in the errors; the rest are counted, so the answer stays small whatever was sent.</summary>
    public const int MaxUnknownFieldsReported = 10;

    /// <summary>The body of POST and PUT: every field required but the description (empty) and the status (pending).</summary>
    public static bool TryValidate(TodoRequest request, [NotNullWhen(true)] out ValidTodo? todo, out Dictionary<string, string[]> errors)
    {
        var title = Required(request.Title, TodoFields.CheckTitle);
        var description = request.Description is null ? Checked<string>.Valid("") : TodoFields.CheckDescription(request.Description);
        var dueDate = Required(request.DueDate, TodoFields.CheckDueDate);
        var status = request.Status is null ? Checked<TodoStatus>.Valid(TodoStatus.Pending) : TodoFields.CheckStatus(request.Status);
        var userEmail = Required(request.UserEmail, TodoFields.CheckUserEmail);

        errors = new[]
            {
                (TodoFields.Title, title.Error), (TodoFields.Description, description.Error), (TodoFields.DueDate, dueDate.Error),
                (TodoFields.Status, status.Error), (TodoFields.UserEmail, userEmail.Error),
            }
            .Where(field => field.Error is not null)
            .ToDictionary(field => field.Item1, field => new[] { field.Error! });
        todo = errors.Count == 0 ? new ValidTodo(title.Value, description.Value, dueDate.Value, status.Value, userEmail.Value) : null;
        return todo is not null;
    }

    /// <summary>
    /// RFC 7396 JSON merge patch over the writable fields: each field it names is checked on its own and the others are
    /// not touched. Removing a required field (<c>null</c>) is an error; removing the description empties it.
    /// </summary>
    public static bool TryParsePatch(JsonElement patch, [NotNullWhen(true)] out TodoChange? change, out Dictionary<string, string[]> errors)
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

    private static Checked<T> Required<T>(string? value, Func<string, Checked<T>> check) =>
        value is null ? Checked<T>.Invalid(TodoFields.IsRequired) : check(value);

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

/// <summary>The writable fields of a todo, all checked: a create or a replace.</summary>
public sealed record ValidTodo(string Title, string Description, DateTime DueDate, TodoStatus Status, string UserEmail)
{
    public TodoItem ToNewItem(Guid id, DateTime now, string? idempotencyKey = null) => new()
    {
        Id = id,
        IdempotencyKey = idempotencyKey,
        IdempotencyFingerprint = idempotencyKey is null ? null : IdempotencyKeys.Fingerprint(this),
        Title = Title,
        Description = Description,
        DueDate = DueDate,
        Status = Status,
        UserEmail = UserEmail,
        CreatedAt = now,
        UpdatedAt = now,
    };
}

/// <summary>A change to some writable fields, each checked: a null field stays as it is. A replace names them all.</summary>
public sealed record TodoChange(string? Title, string? Description, DateTime? DueDate, TodoStatus? Status, string? UserEmail)
{
    public static TodoChange None { get; } = new(null, null, null, null, null);

    public static TodoChange Replace(ValidTodo todo) => new(todo.Title, todo.Description, todo.DueDate, todo.Status, todo.UserEmail);
}
