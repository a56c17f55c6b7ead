using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Todo.Api.Todos;

/// <summary>Checks a <see cref="TodoRequest"/> field by field; every error is keyed by the JSON field name.</summary>
public static partial class TodoValidator
{
    private static readonly string[] s_dateTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    public static bool TryValidate(TodoRequest request, [NotNullWhen(true)] out ValidTodo? todo, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var title = CheckText(request.Title, "title", TodoLimits.TitleMaxLength, required: true, multiline: false, errors);
        var description = CheckText(request.Description, "description", TodoLimits.DescriptionMaxLength, required: false, multiline: true, errors);
        var dueDate = CheckDueDate(request.DueDate, errors);
        var status = CheckStatus(request.Status, errors);
        var userEmail = CheckUserEmail(request.UserEmail, errors);

        todo = errors.Count == 0 ? new ValidTodo(title!, description ?? "", dueDate!.Value, status!.Value, userEmail!) : null;
        return todo is not null;
    }

    private static string? CheckText(string? value, string field, int maxLength, bool required, bool multiline, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return required ? Fail(errors, field, "is required.") : null;
        }

        var text = Text.Inspect(value);
        return text switch
        {
            { IsWellFormed: false } => Fail(errors, field, "must be well-formed Unicode."),
            { HasControlCharacters: true } => Fail(errors, field, "must not contain control characters."),
            { HasLineBreaksOrTabs: true } when !multiline => Fail(errors, field, "must be a single line."),
            { Characters: var length } when length > maxLength => Fail(errors, field, $"must be at most {maxLength} characters."),
            _ when required && string.IsNullOrWhiteSpace(value) => Fail(errors, field, "must not be empty."),
            _ => value,
        };
    }

    private static DateTime? CheckDueDate(string? value, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            Fail(errors, "dueDate", "is required.");
            return null;
        }
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        }
        if (DateTimeOffset.TryParseExact(value, s_dateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dateTime))
        {
            return Timestamps.ToDatabasePrecision(dateTime.UtcDateTime);
        }

        Fail(errors, "dueDate", "must be an ISO-8601 date (2025-12-31) or date-time (2025-12-31T17:00:00Z).");
        return null;
    }

    private static TodoStatus? CheckStatus(string? value, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return TodoStatus.Pending;
        }
        if (TodoStatusNames.TryParse(value, out var status))
        {
            return status;
        }

        Fail(errors, "status", $"must be one of {TodoStatusNames.AllowedValues}.");
        return null;
    }

    private static string? CheckUserEmail(string? value, Dictionary<string, string[]> errors) => value switch
    {
        null => Fail(errors, "userEmail", "is required."),
        { Length: > TodoLimits.UserEmailMaxLength } => Fail(errors, "userEmail", $"must be at most {TodoLimits.UserEmailMaxLength} characters."),
        _ when !IsEmailAddress(value) => Fail(errors, "userEmail", "must be a valid email address."),
        _ => value,
    };

    /// <summary>The WHATWG definition of a valid email address, as browsers check <c>&lt;input type=email&gt;</c>.</summary>
    public static bool IsEmailAddress(string value) => EmailAddress().IsMatch(value);

    private static string? Fail(Dictionary<string, string[]> errors, string field, string message)
    {
        errors[field] = [message];
        return null;
    }

    [GeneratedRegex(@"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\z")]
    private static partial Regex EmailAddress();
}
