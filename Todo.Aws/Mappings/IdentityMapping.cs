using Todo.Aws.Manifest;
using Todo.Contracts;
using Todo.Aws.Stacks;

namespace Todo.Aws.Mappings;

/// <summary>The AppHost's token issuer (<see cref="TokenIssuerContract.Type"/>) as an Amazon Cognito user pool.</summary>
public sealed class IdentityMapping : IResourceMapping
{
    public string Maps => $"token issuers ({TokenIssuerContract.Type})";

    public bool Matches(ManifestResource resource, AspireManifest manifest) => resource.Type == TokenIssuerContract.Type;

    public void Deploy(IReadOnlyList<ManifestResource> resources, DeploymentContext context)
    {
        foreach (var identity in resources)
        {
            context.Add(identity.Name, new IdentityStack(context.App, context.StackId(identity.Name), identity.Name,
                Scope(identity, TokenIssuerContract.AdminScope), Scope(identity, TokenIssuerContract.UserScope), context.Options, context.Props));
        }
    }

    private static string Scope(ManifestResource identity, string property) =>
        identity.Json.TryGetProperty(property, out var scope) && scope.GetString() is { Length: > 0 } name
            ? name
            : throw new DeploymentRefusedException($"'{identity.Name}' names no {property}.");
}
