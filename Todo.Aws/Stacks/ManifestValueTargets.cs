using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.SecretsManager;
using Constructs;
using Todo.Aws.Manifest;

namespace Todo.Aws.Stacks;

/// <summary>A <c>value.v0</c> resource: its connection string, resolved where it is used.</summary>
public sealed class ValueTarget(ManifestResource resource, Func<ReferenceResolver> resolver) : IAwsTarget
{
    public ResolvedValue Resolve(string path) => path == "connectionString"
        ? resolver().Resolve(resource.ConnectionString ?? "")
        : throw AwsTargets.UnknownPath(resource.Name, path);

    public void AllowFrom(ISecurityGroup client, Construct clientScope, string clientName)
    {
    }
}

/// <summary>
/// A <c>parameter.v0</c> resource. A secret parameter becomes a generated Secrets Manager secret (created the first
/// time something references it); a plain one takes its manifest default.
/// </summary>
public sealed class ParameterTarget(ManifestResource resource, Func<string, ISecret> createGeneratedSecret) : IAwsTarget
{
    private ISecret? _secret;

    public ResolvedValue Resolve(string path)
    {
        if (path is not ("value" or "inputs.value"))
        {
            throw AwsTargets.UnknownPath(resource.Name, path);
        }

        var input = resource.Json.GetProperty("inputs").GetProperty("value");
        var secret = input.TryGetProperty("secret", out var isSecret) && isSecret.GetBoolean();
        if (secret)
        {
            return ResolvedValue.Of(_secret ??= createGeneratedSecret(resource.Name));
        }
        return input.TryGetProperty("default", out var defaults) && defaults.TryGetProperty("value", out var value)
            ? ResolvedValue.Plain(value.GetString() ?? "")
            : throw new ManifestMappingException($"Parameter '{resource.Name}' has no default value to deploy with.");
    }

    public void AllowFrom(ISecurityGroup client, Construct clientScope, string clientName)
    {
    }
}

/// <summary>An <c>annotated.string</c> resource with the <c>uri</c> filter: its value, URI-encoded at synthesis.</summary>
public sealed class AnnotatedStringTarget(ManifestResource resource, Func<ReferenceResolver> resolver) : IAwsTarget
{
    public ResolvedValue Resolve(string path)
    {
        if (path != "value")
        {
            throw AwsTargets.UnknownPath(resource.Name, path);
        }
        var value = resolver().Resolve(resource.Value ?? "");
        return value.IsSecret || Amazon.CDK.Token.IsUnresolved(value.Text)
            ? throw new ManifestMappingException($"'{resource.Name}' URI-encodes a value only known at deployment; reference the value itself.")
            : ResolvedValue.Plain(Uri.EscapeDataString(value.Text));
    }

    public void AllowFrom(ISecurityGroup client, Construct clientScope, string clientName)
    {
    }
}
