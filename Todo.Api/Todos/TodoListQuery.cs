using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.AspNetCore.Http.Extensions;
using Todo.Api.Identity;

namespace Todo.Api.Todos;

/// <summary>
/// The validated query of <c>GET /todos</c>: filters, page size and the keyset cursor. <see cref="Owner"/> (whose todos,
/// empty for those made without a token) is for callers who see every owner's todos.
/// </summary>
public sealed record TodoListQuery(TodoStatus? Status, string? UserEmail, string? Owner, int Limit, Guid? After)
{
    public static bool TryParse(string? status, string? userEmail, string? owner, string? limit, string? after,
        [NotNullWhen(true)] out TodoListQuery? query, out Dictionary<string, string[]> errors)
    {
        errors = [];
        TodoStatus? parsedStatus = null;
        if (status is not null)
        {
            var checkedStatus = TodoFields.CheckStatus(status);
            parsedStatus = checkedStatus.Value;
            AddError(errors, TodoFields.Status, checkedStatus.Error);
        }
        if (userEmail is not null)
        {
            AddError(errors, TodoFields.UserEmail, TodoFields.CheckUserEmail(userEmail).Error);
        }

        if (owner is { Length: > TodoCallers.MaxSubjectLength })
        {
            errors[TodoFields.Owner] = [TodoFields.MustBeSubject];
        }

        if (!TryParseLimit(limit, out var pageSize))
        {
            errors[TodoFields.Limit] = [TodoFields.MustBePageSize];
        }

        Guid? cursor = null;
        if (after is not null)
        {
            if (TodoIds.TryParse(after, out var id))
            {
                cursor = id;
            }
            else
            {
                errors[TodoFields.After] = [TodoFields.MustBePreviousPageEnd];
            }
        }

        query = errors.Count == 0 ? new TodoListQuery(parsedStatus, userEmail, owner, pageSize, cursor) : null;
        return query is not null;
    }

    /// <summary>The page size a request of <c>GET /todos</c> asks for; the default when it names none or a bad one (a 400).</summary>
    public static int LimitAsked(HttpRequest request) =>
        TryParseLimit(request.Query["limit"], out var limit) ? limit : TodoLimits.DefaultPageSize;

    /// <summary>A whole number from 1 to <see cref="TodoLimits.MaxPageSize"/>; the default page size when there is none.</summary>
    private static bool TryParseLimit(string? text, out int limit)
    {
        limit = TodoLimits.DefaultPageSize;
        return text is null
            || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= TodoLimits.MaxPageSize);
    }

    private static void AddError(Dictionary<string, string[]> errors, string field, string? error)
    {
        if (error is not null)
        {
            errors[field] = [error];
        }
    }

    /// <summary>One text per distinct query: the owner goes with its length and the e-mail last, so no part can run into another.</summary>
    public string CacheVariant =>
        $"{(Status is { } status ? TodoStatusNames.ToName(status) : "")}|{Limit.ToString(CultureInfo.InvariantCulture)}|{After}|{(Owner is null ? "*" : $"{Owner.Length.ToString(CultureInfo.InvariantCulture)}:{Owner}")}|{UserEmail}";

    /// <summary>The <c>Link</c> header value that points at the page after <paramref name="lastId"/>.</summary>
    public string NextPageLink(Guid lastId)
    {
        var next = new QueryBuilder();
        if (Status is { } status)
        {
            next.Add("status", TodoStatusNames.ToName(status));
        }
        if (UserEmail is not null)
        {
            next.Add("userEmail", UserEmail);
        }
        if (Owner is not null)
        {
            next.Add("owner", Owner);
        }
        next.Add("limit", Limit.ToString(CultureInfo.InvariantCulture));
        next.Add("after", lastId.ToString());
        return $"</todos{next}>; rel=\"next\"";
    }
}
