namespace Todo.Contracts;

/// <summary>
/// The model's token issuer as the manifest carries it: the AppHost writes a resource of <see cref="Type"/> with the two
/// scopes, Todo.Aws deploys it as a Cognito user pool, and the API's settings reference its outputs.
/// </summary>
public static class TokenIssuerContract
{
    public const string Type = "todo.identity.v0";

    /// <summary>A field of the resource and an output: the scope that sees every owner's todos.</summary>
    public const string AdminScope = "adminScope";

    /// <summary>A field of the resource and an output: the scope every token needs for the todo routes.</summary>
    public const string UserScope = "userScope";

    /// <summary>An output: the issuer of the tokens, where the API finds their signing keys.</summary>
    public const string Authority = "authority";

    /// <summary>An output: the app client people sign in through.</summary>
    public const string UserClientId = "userClientId";

    /// <summary>An output: the app client admin tokens are issued to.</summary>
    public const string AdminClientId = "adminClientId";
}
