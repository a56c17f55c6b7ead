using Todo.Aws.Manifest;
using Todo.Aws.Stacks;

namespace Todo.Aws.Mappings;

/// <summary>Redis and Valkey containers as ElastiCache, one cache each.</summary>
public sealed class ElastiCacheMapping : IResourceMapping
{
    public string Maps => "Redis and Valkey containers";

    public bool Matches(ManifestResource resource, AspireManifest manifest) =>
        ContainerImage.Is(resource, "redis") || ContainerImage.Is(resource, "valkey");

    public void Deploy(IReadOnlyList<ManifestResource> resources, DeploymentContext context)
    {
        foreach (var cache in resources)
        {
            context.Add(cache.Name, new CacheStack(context.App, context.StackId(cache.Name), context.Network, cache.Name, context.Options, context.Props));
        }
    }
}
