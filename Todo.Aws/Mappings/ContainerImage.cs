using System.Text.RegularExpressions;
using Todo.Aws.Manifest;

namespace Todo.Aws.Mappings;

public static partial class ContainerImage
{
    /// <summary>Whether a container runs <paramref name="name"/>: <c>docker.io/library/postgres:18.3</c> is postgres; <c>example/postgres-exporter</c> is not.</summary>
    public static bool Is(ManifestResource resource, string name) =>
        resource.Type is "container.v0" or "container.v1"
        && resource.Image is { } image
        && ImageName().Match(image) is { Success: true } match
        && match.Groups["name"].Value == name;

    [GeneratedRegex(@"(?:^|/)(?<name>[a-z0-9._-]+)(?::[^/@]+)?(?:@sha256:[0-9a-f]+)?$")]
    private static partial Regex ImageName();
}
