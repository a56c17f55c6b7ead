namespace Todo.Api.Identity;

/// <summary>
/// Who may use the todo routes, beside the standard bearer settings (<c>Authentication:Schemes:Bearer</c>): section
/// <c>Authentication</c>.
/// </summary>
public sealed class TodoAccessOptions
{
    public const string Section = "Authentication";

    /// <summary>The scope that lets a token see and change every owner's todos, and filter lists by owner.</summary>
    public string AdminScope { get; set; } = "todos:admin";

    /// <summary>
    /// The scope a token needs for the todo routes at all (a token with <see cref="AdminScope"/> needs no other); none
    /// when unset, as for <c>dotnet user-jwts</c> tokens. On AWS, the API's own Cognito scope: a token issued for the API
    /// alone, never one of a password sign-in (whose only scope is Cognito's self-service scope).
    /// </summary>
    public string? UserScope { get; set; }

    /// <summary>
    /// The workshop's open API: requests without a token may use every todo. For its own clients and load tests only;
    /// never a default, logged as a warning at every start.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Every environment but Development refuses <see cref="AllowAnonymous"/> unless this confirms it too.</summary>
    public bool AllowAnonymousOutsideDevelopment { get; set; }
}
