using Todo.Aws.Manifest;
using Todo.Aws.Stacks;

namespace Todo.Aws.Mappings;

/// <summary>The AppHost's token issuer (<c>todo.identity.v0</c>) as an Amazon Cognito user pool.</summary>
public sealed class IdentityMapping : IResourceMapping
{
    public const string ManifestType = "todo.identity.v0";

    public string Maps => "token issuers (todo.identity.v0)";

    public bool Matches(ManifestResource resource, AspireManifest manifest) => resource.Type == ManifestType;

    public void Deploy(IReadOnlyList<ManifestResource> resources, DeploymentContext context)
    {
        foreach (var identity in resources)
        {
            var adminScope = identity.Json.TryGetProperty("adminScope", out var scope) ? scope.GetString() : null;
            context.Add(identity.Name, new IdentityStack(context.App, context.StackId(identity.Name), identity.Name,
                adminScope ?? throw new ManifestMappingException($"'{identity.Name}' names no adminScope."), context.Options, context.Props));
        }
    }
}
