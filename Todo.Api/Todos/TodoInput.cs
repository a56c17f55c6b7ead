using Todo.Api.Identity;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

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
    public TodoItem ToNewItem(Guid id, string owner, DateTime now, string? idempotencyKey = null) => new()
    {
        Id = id,
        Owner = owner,
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

/// <summary>
/// Every rule of a todo's fields, and every message that names one. The body of POST and PUT, the merge patch of PATCH
/// and the query string of GET /todos all check here, so one bad value gets one answer wherever it is sent.
/// Hand-written rather than data annotations, which cannot say these: lengths in code points (as PostgreSQL counts),
/// no control characters or malformed Unicode, one line for a title, the WHATWG e-mail rule, two date forms.
/// </summary>
public static partial class TodoFields
{
    public const string Title = "title";
    public const string Description = "description";
    public const string DueDate = "dueDate";
    public const string Status = "status";
    public const string UserEmail = "userEmail";

    public static IReadOnlyList<string> Names { get; } = [Title, Description, DueDate, Status, UserEmail];

    public const string IsRequired = "is required.";
    public const string CannotBeRemoved = "is required and cannot be removed.";
    public const string MustBeString = "must be a JSON string.";
    public const string MustBeWellFormed = "must be well-formed Unicode.";
    public static readonly string IsNotAField = $"is not a field of a todo; the fields are {string.Join(", ", Names)}.";

    // What else a request names besides a todo's fields, and how each is refused.
    public const string TodoId = "todoId";
    public const string Limit = "limit";
    public const string After = "after";
    public const string Owner = "owner";

    public static Dictionary<string, string[]> InvalidTodoId() => Error(TodoId, "must be a UUID such as 0191d4a2-6f1e-7c3a-9b8e-2f4d5c6b7a81.");

    public static Dictionary<string, string[]> InvalidIfMatch() => Error("If-Match", "must be * or a list of entity tags such as \"42\".");

    public static Dictionary<string, string[]> InvalidIdempotencyKey() =>
        Error(IdempotencyKeys.HeaderName, $"must be 1 to {IdempotencyKeys.MaxLength} visible ASCII characters, such as a UUID.");

    public static readonly string MustBePageSize = $"must be a whole number from 1 to {TodoLimits.MaxPageSize}.";
    public const string MustBePreviousPageEnd = "must be the todoId of the last todo of the previous page.";
    public static readonly string MustBeSubject = $"must be a token subject (sub) of at most {TodoCallers.MaxSubjectLength} characters.";

    private static Dictionary<string, string[]> Error(string field, string message) => new() { [field] = [message] };

    private static readonly string[] s_dateTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    public static Checked<string> CheckTitle(string value) =>
        CheckText(value, TodoLimits.TitleMaxLength, multiline: false) is { IsValid: false } failed ? failed
        : string.IsNullOrWhiteSpace(value) ? Checked<string>.Invalid("must not be empty.")
        : Checked<string>.Valid(value);

    public static Checked<string> CheckDescription(string value) => CheckText(value, TodoLimits.DescriptionMaxLength, multiline: true);

    /// <summary>A date is midnight UTC; a date-time without an offset is UTC.</summary>
    public static Checked<DateTime> CheckDueDate(string value)
    {
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return Checked<DateTime>.Valid(date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        }
        if (DateTimeOffset.TryParseExact(value, s_dateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dateTime))
        {
            return Checked<DateTime>.Valid(Timestamps.ToDatabasePrecision(dateTime.UtcDateTime));
        }
        return Checked<DateTime>.Invalid("must be an ISO-8601 date (2025-12-31) or date-time (2025-12-31T17:00:00Z).");
    }

    public static Checked<TodoStatus> CheckStatus(string value) =>
        TodoStatusNames.TryParse(value, out var status)
            ? Checked<TodoStatus>.Valid(status)
            : Checked<TodoStatus>.Invalid($"must be one of {TodoStatusNames.AllowedValues}.");

    public static Checked<string> CheckUserEmail(string value) => value switch
    {
        { Length: > TodoLimits.UserEmailMaxLength } => Checked<string>.Invalid($"must be at most {TodoLimits.UserEmailMaxLength} characters."),
        _ when !EmailAddress().IsMatch(value) => Checked<string>.Invalid("must be a valid email address."),
        _ => Checked<string>.Valid(value),
    };

    private static Checked<string> CheckText(string value, int maxLength, bool multiline) => Text.Inspect(value) switch
    {
        { IsWellFormed: false } => Checked<string>.Invalid(MustBeWellFormed),
        { HasControlCharacters: true } => Checked<string>.Invalid("must not contain control characters."),
        { HasLineBreaksOrTabs: true } when !multiline => Checked<string>.Invalid("must be a single line."),
        { Characters: var length } when length > maxLength => Checked<string>.Invalid($"must be at most {maxLength} characters."),
        _ => Checked<string>.Valid(value),
    };

    /// <summary>The WHATWG definition of a valid email address, as browsers check <c>&lt;input type=email&gt;</c>.</summary>
    [GeneratedRegex(@"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\z")]
    private static partial Regex EmailAddress();
}

/// <summary>A field's value once its rule accepted it, or the message saying why not.</summary>
public readonly record struct Checked<T>(T Value, string? Error)
{
    public bool IsValid => Error is null;

    public static Checked<T> Valid(T value) => new(value, null);

    public static Checked<T> Invalid(string error) => new(default!, error);
}
