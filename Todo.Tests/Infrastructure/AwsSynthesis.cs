using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using Todo.Aws;
using Todo.Aws.Manifest;
using Todo.Aws.Mappings;

namespace Todo.Tests.Infrastructure;

/// <summary>The CloudFormation templates the CDK app synthesizes from a manifest, offline, by stack name.</summary>
public sealed class AwsSynthesis
{
    private AwsSynthesis(IReadOnlyDictionary<string, Template> templates, IReadOnlyDictionary<string, JsonObject> json)
    {
        Templates = templates;
        Json = json;
    }

    public IReadOnlyDictionary<string, Template> Templates { get; }

    public IReadOnlyDictionary<string, JsonObject> Json { get; }

    public Template this[string stack] => Templates[stack];

    public static AspireManifest CommittedManifest() => AspireManifest.Load(Path.Combine(Repository.Root, "aspire-manifest.json"));

    /// <summary>The committed manifest with resources added or replaced, for mapping tests.</summary>
    public static AspireManifest ManifestWith(string resourcesJson)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "aspire-manifest.json")))!.AsObject();
        foreach (var (name, resource) in JsonNode.Parse(resourcesJson)!.AsObject().ToList())
        {
            root["resources"]![name] = resource!.DeepClone();
        }
        using var document = JsonDocument.Parse(root.ToJsonString());
        return AspireManifest.Parse(document.RootElement, Repository.Root);
    }

    /// <summary>
    /// Synthesizes <paramref name="manifest"/> with the committed <c>cdk.json</c>'s context, overridden by
    /// <paramref name="context"/>, through <paramref name="mappings"/> (the deployment's own when null).
    /// </summary>
    public static AwsSynthesis Of(AspireManifest manifest, IDictionary<string, object>? context = null, IReadOnlyList<IResourceMapping>? mappings = null)
    {
        var output = Directory.CreateTempSubdirectory("todo-cdk-");
        var merged = TodoAwsOptions.CdkJsonContext(Path.Combine(Repository.Root, "cdk.json"))
            .Where(value => value.Value is not null)
            .ToDictionary(value => value.Key, value => value.Value!);
        foreach (var (key, value) in context ?? new Dictionary<string, object>())
        {
            merged[key] = value;
        }
        try
        {
            var app = new App(new AppProps { Outdir = output.FullName, Context = merged });
            _ = new TodoDeployment(app, manifest, TodoAwsOptions.FromContext(app.Node), mappings);
            var assembly = app.Synth();
            return new AwsSynthesis(
                app.Node.Children.OfType<Stack>().ToDictionary(stack => stack.StackName, stack => Template.FromStack(stack)),
                assembly.Stacks.ToDictionary(stack => stack.StackName,
                    stack => JsonNode.Parse(File.ReadAllText(Path.Combine(assembly.Directory, stack.TemplateFile)))!.AsObject()));
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    /// <summary>The containers of the one task definition of <paramref name="stack"/>, by name.</summary>
    public IReadOnlyDictionary<string, JsonNode> Containers(string stack) =>
        Resources(stack, "AWS::ECS::TaskDefinition").Values.Single()["Properties"]!["ContainerDefinitions"]!
            .AsArray().ToDictionary(container => container!["Name"]!.GetValue<string>(), container => container!);

    /// <summary>Resources of one type in one stack, as JSON, by logical id.</summary>
    public IReadOnlyDictionary<string, JsonObject> Resources(string stack, string type) =>
        Json[stack]["Resources"]!.AsObject()
            .Where(resource => resource.Value!["Type"]!.GetValue<string>() == type)
            .ToDictionary(resource => resource.Key, resource => resource.Value!.AsObject());
}
