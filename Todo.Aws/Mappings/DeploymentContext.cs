using Amazon.CDK;
using Todo.Aws.Manifest;
using Todo.Aws.Stacks;
using Todo.Aws.Targets;

namespace Todo.Aws.Mappings;

/// <summary>What the mappings deploy into and share: the app, the network, and the targets deployed so far.</summary>
public sealed class DeploymentContext
{
    private readonly Dictionary<string, IAwsTarget> _targets = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, IResourceMapping> _mappingOf;

    public DeploymentContext(App app, AspireManifest manifest, TodoAwsOptions options, IReadOnlyDictionary<string, IResourceMapping> mappingOf)
    {
        _mappingOf = mappingOf;
        App = app;
        Manifest = manifest;
        Options = options;
        Props = new StackProps { Env = new Amazon.CDK.Environment { Region = options.Region, Account = options.Account } };
        Network = new NetworkStack(app, StackId("network"), options, Props);
        Resolver = new ReferenceResolver(_targets);
    }

    public App App { get; }

    public AspireManifest Manifest { get; }

    public TodoAwsOptions Options { get; }

    public IStackProps Props { get; }

    public NetworkStack Network { get; }

    /// <summary>Resolves manifest values against the targets added so far.</summary>
    public ReferenceResolver Resolver { get; }

    public IReadOnlyDictionary<string, IAwsTarget> Targets => _targets;

    public void Add(string name, IAwsTarget target) => _targets.Add(name, target);

    /// <summary>The stack of a resource, prefixed with the app's name unless the resource's name already is.</summary>
    public string StackId(string resource) =>
        resource.StartsWith(Options.AppName + "-", StringComparison.Ordinal) ? resource : $"{Options.AppName}-{resource}";

    /// <summary>Every other resource <paramref name="client"/>'s environment references, directly or through values it passes on.</summary>
    public IEnumerable<string> ReachedBy(ManifestResource client) => client.Environment.Values
        .SelectMany(Reached).Where(name => name != client.Name).Distinct();

    /// <summary>How many resources reach any of <paramref name="names"/>: the clients that share its connection limit.</summary>
    public int ClientsOf(IReadOnlyCollection<string> names) => Manifest.Resources.Values
        .Count(resource => !names.Contains(resource.Name) && ReachedBy(resource).Any(names.Contains));

    private IEnumerable<string> Reached(string value)
    {
        foreach (var reference in ManifestExpression.Parse(value).OfType<ManifestExpression.Reference>())
        {
            yield return reference.Resource;
            var resource = Manifest[reference.Resource];
            foreach (var passedOn in _mappingOf[resource.Name].PassesOn(resource) is { } inner ? Reached(inner) : [])
            {
                yield return passedOn;
            }
        }
    }
}
