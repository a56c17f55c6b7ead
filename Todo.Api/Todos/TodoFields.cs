using System.Globalization;
using System.Text.RegularExpressions;

namespace Todo.Api.Todos;

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

    public static Dictionary<string, string[]> InvalidTodoId() => Error(TodoId, "must be a UUID such as 0191d4a2-6f1e-7c3a-9b8e-2f4d5c6b7a81.");

    public static Dictionary<string, string[]> InvalidIfMatch() => Error("If-Match", "must be * or a list of entity tags such as \"42\".");

    public static Dictionary<string, string[]> InvalidIdempotencyKey() =>
        Error(IdempotencyKeys.HeaderName, $"must be 1 to {IdempotencyKeys.MaxLength} visible ASCII characters, such as a UUID.");

    public static readonly string MustBePageSize = $"must be a whole number from 1 to {TodoLimits.MaxPageSize}.";
    public const string MustBePreviousPageEnd = "must be the todoId of the last todo of the previous page.";

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
