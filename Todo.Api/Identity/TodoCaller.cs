using System.Reflection;
using System.Security.Claims;

namespace Todo.Api.Identity;

/// <summary>
/// Whose todos a request may touch: its token's subject (<see cref="Owner"/>), or every owner's for a token with the
/// admin scope and for an anonymous request where the open API is switched on. Bound as a handler parameter.
/// </summary>
public sealed record TodoCaller(string Owner, bool SeesEveryOwner)
{
    /// <summary>The owner of rows made before todos had owners, and of todos made through the open API.</summary>
    public const string NoOwner = "";

    /// <summary>The owner a query is limited to; null when the caller sees every owner's todos.</summary>
    public string? OnlyOwner => SeesEveryOwner ? null : Owner;

    public static ValueTask<TodoCaller?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult<TodoCaller?>(Of(context));

    public static TodoCaller Of(HttpContext context) =>
        context.RequestServices.GetRequiredService<TodoCallers>().Resolve(context.User);
}

/// <summary>Turns a request's principal into a <see cref="TodoCaller"/>, after authorization has let it through.</summary>
public sealed class TodoCallers(TodoAccessOptions options)
{
    public const string SubjectClaim = "sub";
    public const string ScopeClaim = "scope";
    public const string EmailClaim = "email";

    /// <summary>
    /// The scope of a Cognito access token from a password or SRP sign-in, which authorises the user pool's operations
    /// on the user's own account, such as changing its attributes (the sign-in e-mail among them): a token that could
    /// take over the account is no API token.
    /// </summary>
    public const string CognitoSelfServiceScope = "aws.cognito.signin.user.admin";

    /// <summary>Longer subjects are refused (403): the owner column holds this many characters.</summary>
    public const int MaxSubjectLength = 255;

    private static readonly TodoCaller s_anonymous = new(TodoCaller.NoOwner, SeesEveryOwner: true);

    public TodoCaller Resolve(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            // Authorization lets an anonymous request through only where the open API is on; this never widens it.
            return options.AllowAnonymous ? s_anonymous : throw new InvalidOperationException("An anonymous request reached a todo handler.");
        }
        var subject = user.FindFirst(SubjectClaim)?.Value;
        if (!IsValidSubject(subject))
        {
            throw new InvalidOperationException("A token without a usable subject reached a todo handler.");
        }
        return new TodoCaller(subject, HasScope(user, options.AdminScope));
    }

    /// <summary>
    /// Whether an authenticated token may use the todo routes: it has a usable subject, the scope the API requires if
    /// one is set (or the admin scope), and never Cognito's self-service scope.
    /// </summary>
    public bool Admits(ClaimsPrincipal user) =>
        IsValidSubject(user.FindFirst(SubjectClaim)?.Value)
        && !HasScope(user, CognitoSelfServiceScope)
        && (options.UserScope is not { Length: > 0 } required || HasScope(user, required) || HasScope(user, options.AdminScope));

    public static bool IsValidSubject([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? subject) =>
        subject is { Length: > 0 and <= MaxSubjectLength };

    /// <summary>Scopes come as one space-separated claim (OAuth 2.0, Cognito) or as one claim each (dotnet user-jwts).</summary>
    public static bool HasScope(ClaimsPrincipal user, string scope)
    {
        foreach (var claim in user.FindAll(ScopeClaim))
        {
            foreach (var range in claim.Value.AsSpan().Split(' '))
            {
                if (claim.Value.AsSpan()[range].SequenceEqual(scope))
                {
                    return true;
                }
            }
        }
        return false;
    }
}
