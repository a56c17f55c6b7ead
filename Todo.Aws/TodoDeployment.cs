using Amazon.CDK;
using Todo.Aws.Manifest;
using Todo.Aws.Mappings;

namespace Todo.Aws;

/// <summary>
/// Derives the AWS deployment from the Aspire manifest: a network, then every resource as the first mapping that
/// matches it deploys it. Nothing here names a particular resource or kind, so a project added to the AppHost becomes
/// one more service, and a new kind of resource one more mapping.
/// </summary>
public sealed class TodoDeployment
{
    public TodoDeployment(App app, AspireManifest manifest, TodoAwsOptions options, IReadOnlyList<IResourceMapping>? mappings = null)
    {
        mappings ??= ResourceMappings.Default;
        var mappingOf = ResourceMappings.Classify(manifest, mappings);
        var context = new DeploymentContext(app, manifest, options, mappingOf);
        foreach (var mapping in mappings)
        {
            var matched = manifest.Resources.Values.Where(resource => mappingOf[resource.Name] == mapping).ToList();
            if (matched.Count > 0)
            {
                mapping.Deploy(matched, context);
            }
        }
    }
}
