using System.Text.RegularExpressions;
using Todo.Aws.Manifest;
using Todo.Aws.Stacks;

namespace Todo.Aws.Mappings;

/// <summary>PostgreSQL containers, with the databases the AppHost adds on them, as one Aurora cluster per server.</summary>
public sealed partial class AuroraMapping : IResourceMapping
{
    public string Maps => "PostgreSQL containers and databases on them";

    public bool Matches(ManifestResource resource, AspireManifest manifest) =>
        IsServer(resource)
        || DatabaseOf(resource) is { } database && manifest.Resources.TryGetValue(database.Server, out var server) && IsServer(server);

    public string? PassesOn(ManifestResource resource) => IsServer(resource) ? null : resource.ConnectionString;

    public void Deploy(IReadOnlyList<ManifestResource> resources, DeploymentContext context)
    {
        foreach (var server in resources.Where(IsServer))
        {
            var databases = resources
                .Select(resource => (resource.Name, Database: DatabaseOf(resource)))
                .Where(database => database.Database?.Server == server.Name)
                .ToDictionary(database => database.Name, database => database.Database!.Value.Database);
            var clients = context.ClientsOf([server.Name, .. databases.Keys]);
            var stack = new DatabaseStack(context.App, context.StackId(server.Name), context.Network, server.Name, databases, clients,
                context.Options, context.Props);
            foreach (var (name, target) in stack.Targets)
            {
                context.Add(name, target);
            }
        }
    }

    private static bool IsServer(ManifestResource resource) => ContainerImage.Is(resource, "postgres");

    /// <summary>The server and database name of what <c>AddDatabase</c> writes: <c>{server.connectionString};Database=name</c>.</summary>
    private static (string Server, string Database)? DatabaseOf(ManifestResource resource) =>
        resource.Type == "value.v0" && resource.ConnectionString is { } value && DatabaseConnectionString().Match(value) is { Success: true } match
            ? (match.Groups["server"].Value, match.Groups["database"].Value)
            : null;

    [GeneratedRegex(@"^\{(?<server>[A-Za-z0-9][A-Za-z0-9_-]*)\.connectionString\};Database=(?<database>[^;]+)$")]
    private static partial Regex DatabaseConnectionString();
}
