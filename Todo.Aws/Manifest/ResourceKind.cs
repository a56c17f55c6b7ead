using System.Text.RegularExpressions;

namespace Todo.Aws.Manifest;

/// <summary>What a manifest resource is, decided by its type and, for containers, its image.</summary>
public enum ResourceKind
{
    PostgresServer,
    PostgresDatabase,
    Redis,
    Project,
    Parameter,
    Value,
    AnnotatedString,
}

public static partial class ResourceKinds
{
    /// <summary>Classifies every resource, or fails naming the first one that has no AWS mapping.</summary>
    public static IReadOnlyDictionary<string, ResourceKind> Classify(AspireManifest manifest)
    {
        var kinds = new Dictionary<string, ResourceKind>(StringComparer.Ordinal);
        foreach (var resource in manifest.Resources.Values)
        {
            kinds[resource.Name] = KindOf(resource, manifest)
                ?? throw new ManifestMappingException(
                    $"Resource '{resource.Name}' of type '{resource.Type}'{(resource.Image is null ? "" : $" (image '{resource.Image}')")} has no AWS mapping. " +
                    "Mapped: PostgreSQL and Redis/Valkey containers, databases on them, projects, parameters and values.");
        }
        return kinds;
    }

    /// <summary>The database name of a <see cref="ResourceKind.PostgresDatabase"/> and the server it lives on.</summary>
    public static (string Server, string Database)? PostgresDatabaseOf(ManifestResource resource) =>
        resource.Type == "value.v0" && resource.ConnectionString is { } value && DatabaseConnectionString().Match(value) is { Success: true } match
            ? (match.Groups["server"].Value, match.Groups["database"].Value)
            : null;

    private static ResourceKind? KindOf(ManifestResource resource, AspireManifest manifest) => resource.Type switch
    {
        "container.v0" or "container.v1" when ImageIs(resource, "postgres") => ResourceKind.PostgresServer,
        "container.v0" or "container.v1" when ImageIs(resource, "redis") || ImageIs(resource, "valkey") => ResourceKind.Redis,
        "value.v0" when PostgresDatabaseOf(resource) is { } database
            && manifest.Resources.TryGetValue(database.Server, out var server) && ImageIs(server, "postgres") => ResourceKind.PostgresDatabase,
        "value.v0" => ResourceKind.Value,
        "project.v0" or "project.v1" => ResourceKind.Project,
        "parameter.v0" => ResourceKind.Parameter,
        "annotated.string" => ResourceKind.AnnotatedString,
        _ => null,
    };

    /// <summary><c>docker.io/library/postgres:18.3</c> is a postgres image; <c>example/postgres-exporter</c> is not.</summary>
    private static bool ImageIs(ManifestResource resource, string name) =>
        resource.Image is { } image && ImageName().Match(image) is { Success: true } match && match.Groups["name"].Value == name;

    [GeneratedRegex(@"(?:^|/)(?<name>[a-z0-9._-]+)(?::[^/@]+)?(?:@sha256:[0-9a-f]+)?$")]
    private static partial Regex ImageName();

    [GeneratedRegex(@"^\{(?<server>[A-Za-z0-9][A-Za-z0-9_-]*)\.connectionString\};Database=(?<database>[^;]+)$")]
    private static partial Regex DatabaseConnectionString();
}
