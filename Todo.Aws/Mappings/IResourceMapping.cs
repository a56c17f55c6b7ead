using Todo.Aws.Manifest;

namespace Todo.Aws.Mappings;

/// <summary>
/// One kind of manifest resource and what it becomes on AWS. A new kind is one new implementation, added to
/// <see cref="ResourceMappings.Default"/>; nothing else names it.
/// </summary>
public interface IResourceMapping
{
    /// <summary>What this mapping deploys, as the error naming an unmapped resource lists it.</summary>
    string Maps { get; }

    bool Matches(ManifestResource resource, AspireManifest manifest);

    /// <summary>
    /// The expression a reference to <paramref name="resource"/> passes on when its value is made of other resources'
    /// values (a database's connection string is its server's plus a name). Followed to find what a service reaches.
    /// </summary>
    string? PassesOn(ManifestResource resource) => null;

    /// <summary>Deploys the matched resources, in manifest order, and adds the target each of their names resolves to.</summary>
    void Deploy(IReadOnlyList<ManifestResource> resources, DeploymentContext context);
}
