using Aspire.Hosting.ApplicationModel;
using Todo.Contracts;

namespace Todo.AppHost;

/// <summary>
/// Who issues the API's bearer tokens when the model is deployed: a resource of <see cref="TokenIssuerContract.Type"/> in the
/// manifest, which Todo.Aws deploys as an Amazon Cognito user pool. Locally the API accepts <c>dotnet user-jwts</c>
/// tokens instead (its user secrets), so the resource exists only when publishing.
/// </summary>
public sealed class TodoIdentityResource(string name, string adminScope, string userScope) : Resource(name)
{
    /// <summary>The scope that sees every owner's todos (<c>Authentication:AdminScope</c> of the API).</summary>
    public string AdminScope { get; } = adminScope;

    /// <summary>The scope every token needs for the todo routes (<c>Authentication:UserScope</c> of the API).</summary>
    public string UserScope { get; } = userScope;

    /// <summary>A value the deployment gives the resource: <c>{name.output}</c> in the manifest.</summary>
    public Output this[string output] => new(this, output);

    public sealed class Output(TodoIdentityResource identity, string output) : IManifestExpressionProvider, IValueProvider
    {
        public string ValueExpression => $"{{{identity.Name}.{output}}}";

        public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException($"{ValueExpression} has a value only once the model is deployed.");
    }
}

public static class TodoIdentityExtensions
{
    /// <summary>
    /// When publishing: the identity resource, and the API's bearer settings from its outputs (the issuer, the app
    /// clients whose access tokens are accepted, the scopes as the deployment names them).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithTodoIdentity(this IResourceBuilder<ProjectResource> api, string name,
        string adminScope, string userScope)
    {
        var builder = api.ApplicationBuilder;
        if (!builder.ExecutionContext.IsPublishMode)
        {
            return api;
        }
        var identity = builder.AddResource(new TodoIdentityResource(name, adminScope, userScope)).WithManifestPublishingCallback(context =>
        {
            context.Writer.WriteString("type", TokenIssuerContract.Type);
            context.Writer.WriteString(TokenIssuerContract.AdminScope, adminScope);
            context.Writer.WriteString(TokenIssuerContract.UserScope, userScope);
        }).Resource;
        return api
            .WithEnvironment(ApiSettings.EnvironmentVariable(ApiSettings.Authority), identity[TokenIssuerContract.Authority])
            .WithEnvironment(ApiSettings.EnvironmentVariable($"{ApiSettings.ValidClientIds}:0"), identity[TokenIssuerContract.UserClientId])
            .WithEnvironment(ApiSettings.EnvironmentVariable($"{ApiSettings.ValidClientIds}:1"), identity[TokenIssuerContract.AdminClientId])
            .WithEnvironment(ApiSettings.EnvironmentVariable(ApiSettings.AdminScope), identity[TokenIssuerContract.AdminScope])
            .WithEnvironment(ApiSettings.EnvironmentVariable(ApiSettings.UserScope), identity[TokenIssuerContract.UserScope]);
    }
}
