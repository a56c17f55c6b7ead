using System.Text.Json;

namespace Todo.Aws.Manifest;

/// <summary>The Aspire manifest (<c>aspire-manifest.json</c>): every resource of the AppHost's model, by name.</summary>
public sealed record AspireManifest(string Directory, IReadOnlyDictionary<string, ManifestResource> Resources)
{
    public static AspireManifest Load(string path)
    {
        var fullPath = Path.GetFullPath(path);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(fullPath));
            return Parse(document.RootElement, Path.GetDirectoryName(fullPath)!);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException
            or InvalidOperationException)
        {
            throw new DeploymentRefusedException($"{fullPath} is not an Aspire manifest that can be read ({exception.Message}); "
                + "write it with: dotnet run --project Todo.AppHost -- --publisher manifest --output-path ../aspire-manifest.json");
        }
    }

    public static AspireManifest Parse(JsonElement root, string directory)
    {
        var resources = root.GetProperty("resources").EnumerateObject()
            .ToDictionary(resource => resource.Name, resource => ManifestResource.Parse(resource.Name, resource.Value), StringComparer.Ordinal);
        return new AspireManifest(directory, resources);
    }

    public ManifestResource this[string name] => Resources.TryGetValue(name, out var resource)
        ? resource
        : throw new DeploymentRefusedException($"The manifest refers to a resource '{name}' it does not define.");
}

/// <summary>One manifest resource: only the fields the AWS mapping reads.</summary>
public sealed record ManifestResource(
    string Name,
    string Type,
    string? Image,
    string? ConnectionString,
    string? Path,
    string? Value,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyDictionary<string, ManifestBinding> Bindings,
    JsonElement Json)
{
    public static ManifestResource Parse(string name, JsonElement json) => new(
        name,
        json.GetProperty("type").GetString()!,
        OptionalString(json, "image"),
        OptionalString(json, "connectionString"),
        OptionalString(json, "path"),
        OptionalString(json, "value"),
        json.TryGetProperty("env", out var env)
            ? env.EnumerateObject().ToDictionary(variable => variable.Name, variable => variable.Value.GetString() ?? "")
            : new Dictionary<string, string>(),
        json.TryGetProperty("bindings", out var bindings)
            ? bindings.EnumerateObject().ToDictionary(binding => binding.Name, binding => ManifestBinding.Parse(binding.Value))
            : new Dictionary<string, ManifestBinding>(),
        json.Clone());

    private static string? OptionalString(JsonElement json, string property) =>
        json.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

public sealed record ManifestBinding(string Scheme, string Transport, bool External, int? TargetPort)
{
    public static ManifestBinding Parse(JsonElement json) => new(
        json.GetProperty("scheme").GetString()!,
        json.TryGetProperty("transport", out var transport) ? transport.GetString()! : "tcp",
        json.TryGetProperty("external", out var external) && external.GetBoolean(),
        json.TryGetProperty("targetPort", out var port) ? port.GetInt32() : null);
}

