using Amazon.CDK;
using Amazon.CDK.AWS.SecretsManager;
using Todo.Aws.Manifest;
using Todo.Aws.Targets;

namespace Todo.Aws.Mappings;

/// <summary>
/// <c>parameter.v0</c> resources. A secret parameter becomes a generated Secrets Manager secret in a parameters stack,
/// created the first time something references it; a plain one takes its manifest default.
/// </summary>
public sealed class ParameterMapping : IResourceMapping
{
    public string Maps => "parameters";

    public bool Matches(ManifestResource resource, AspireManifest manifest) => resource.Type == "parameter.v0";

    public void Deploy(IReadOnlyList<ManifestResource> resources, DeploymentContext context)
    {
        Stack? parameters = null;
        ISecret GeneratedSecret(string name) => new Secret(parameters ??= new Stack(context.App, context.StackId("parameters"), context.Props), name, new SecretProps
        {
            SecretName = $"{context.Options.AppName}/parameters/{name}",
            GenerateSecretString = new SecretStringGenerator { ExcludePunctuation = true, PasswordLength = 32 },
        });
        foreach (var parameter in resources)
        {
            context.Add(parameter.Name, new ParameterTarget(parameter, GeneratedSecret));
        }
    }

    private sealed class ParameterTarget(ManifestResource resource, Func<string, ISecret> createGeneratedSecret) : IAwsTarget
    {
        private ISecret? _secret;

        public ResolvedValue Resolve(string path)
        {
            if (path is not ("value" or "inputs.value"))
            {
                throw AwsTargets.UnknownPath(resource.Name, path);
            }

            var input = resource.Json.GetProperty("inputs").GetProperty("value");
            if (input.TryGetProperty("secret", out var isSecret) && isSecret.GetBoolean())
            {
                return ResolvedValue.Of(_secret ??= createGeneratedSecret(resource.Name));
            }
            return input.TryGetProperty("default", out var defaults) && defaults.TryGetProperty("value", out var value)
                ? ResolvedValue.Plain(value.GetString() ?? "")
                : throw new DeploymentRefusedException($"Parameter '{resource.Name}' has no default value to deploy with.");
        }
    }
}
