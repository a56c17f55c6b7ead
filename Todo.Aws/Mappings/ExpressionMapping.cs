using Amazon.CDK;
using Todo.Aws.Manifest;
using Todo.Aws.Targets;

namespace Todo.Aws.Mappings;

/// <summary>Resources that deploy nothing: their value is an expression over other resources, resolved where it is used.</summary>
public sealed class ExpressionMapping(string maps, string type, string path, Func<ManifestResource, string?> expressionOf,
    Func<ManifestResource, ResolvedValue, ResolvedValue> finish) : IResourceMapping
{
    /// <summary><c>value.v0</c>: a connection string made of other resources' values.</summary>
    public static ExpressionMapping Values { get; } = new("values", "value.v0", "connectionString",
        resource => resource.ConnectionString, (_, value) => value);

    /// <summary><c>annotated.string</c> with the <c>uri</c> filter: URI-encoded at synthesis, so it must be known by then.</summary>
    public static ExpressionMapping UriEncodedStrings { get; } = new("URI-encoded strings", "annotated.string", "value",
        resource => resource.Value, (resource, value) => value.IsSecret || Token.IsUnresolved(value.Text)
            ? throw new DeploymentRefusedException($"'{resource.Name}' URI-encodes a value only known at deployment; reference the value itself.")
            : ResolvedValue.Plain(Uri.EscapeDataString(value.Text)));

    public string Maps => maps;

    public bool Matches(ManifestResource resource, AspireManifest manifest) => resource.Type == type;

    public string? PassesOn(ManifestResource resource) => expressionOf(resource);

    public void Deploy(IReadOnlyList<ManifestResource> resources, DeploymentContext context)
    {
        foreach (var resource in resources)
        {
            context.Add(resource.Name, new Expression(resource.Name, path,
                () => finish(resource, context.Resolver.Resolve(expressionOf(resource) ?? ""))));
        }
    }

    private sealed class Expression(string name, string path, Func<ResolvedValue> resolve) : IAwsTarget
    {
        public ResolvedValue Resolve(string requested) => requested == path ? resolve() : throw AwsTargets.UnknownPath(name, requested);
    }
}
