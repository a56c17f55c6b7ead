using Todo.Aws.Manifest;

namespace Todo.Aws.Mappings;

public static class ResourceMappings
{
    /// <summary>
    /// Every mapping, in the order they deploy; a resource takes the first that matches. Databases come before plain
    /// values because both are <c>value.v0</c>; services come last because they reach everything else.
    /// </summary>
    public static IReadOnlyList<IResourceMapping> Default { get; } =
    [
        new AuroraMapping(),
        new ElastiCacheMapping(),
        new ParameterMapping(),
        ExpressionMapping.Values,
        ExpressionMapping.UriEncodedStrings,
        new IdentityMapping(),
        new FargateServiceMapping(),
    ];

    /// <summary>The mapping of every resource, or an error naming the first resource that none matches.</summary>
    public static IReadOnlyDictionary<string, IResourceMapping> Classify(AspireManifest manifest, IReadOnlyList<IResourceMapping> mappings)
    {
        var mappingOf = new Dictionary<string, IResourceMapping>(StringComparer.Ordinal);
        foreach (var resource in manifest.Resources.Values)
        {
            mappingOf[resource.Name] = mappings.FirstOrDefault(mapping => mapping.Matches(resource, manifest))
                ?? throw new DeploymentRefusedException(
                    $"Resource '{resource.Name}' of type '{resource.Type}'{(resource.Image is null ? "" : $" (image '{resource.Image}')")} has no AWS mapping. " +
                    $"Mapped: {string.Join("; ", mappings.Select(mapping => mapping.Maps))}.");
        }
        return mappingOf;
    }
}
