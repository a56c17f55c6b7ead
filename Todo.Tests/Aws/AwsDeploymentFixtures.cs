using System.Collections.Concurrent;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Aws;

/// <summary>
/// Every switch combination README's "Deploy to AWS" documents, each synthesized from the committed manifest at most
/// once per test run, when a test first asks for it.
/// </summary>
public static class DocumentedDeployments
{
    public const string Defaults = "defaults";
    public const string Switched = "switched";

    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, object>> Contexts =
        new Dictionary<string, IReadOnlyDictionary<string, object>>
        {
            [Defaults] = new Dictionary<string, object>(),
            ["cache-nodes"] = new Dictionary<string, object> { ["cacheMode"] = "nodes" },
            ["cache-redis"] = new Dictionary<string, object> { ["cacheEngine"] = "redis" },
            ["cache-redis-one-node"] = new Dictionary<string, object> { ["cacheMode"] = "nodes", ["cacheEngine"] = "redis", ["cacheNodes"] = "1", ["cacheNodeType"] = "cache.t4g.small" },
            ["database-provisioned"] = new Dictionary<string, object> { ["databaseMode"] = "provisioned", ["databaseInstanceClass"] = "r6g.large" },
            ["database-capacity-and-version"] = new Dictionary<string, object>
            {
                ["databaseMinCapacity"] = "1", ["databaseMaxCapacity"] = "16", ["databaseEngineVersion"] = "16.6",
            },
            ["no-nat"] = new Dictionary<string, object> { ["natGateways"] = "0" },
            ["nat-per-zone"] = new Dictionary<string, object> { ["natGateways"] = "2" },
            ["https"] = new Dictionary<string, object>
            {
                ["certificateArn"] = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000",
            },
            ["tasks"] = new Dictionary<string, object>
            {
                ["cpu"] = "1024", ["memoryMiB"] = "2048", ["desiredCount"] = "3", ["minTasks"] = "3", ["maxTasks"] = "6",
                ["cpuTargetPercent"] = "50", ["memoryTargetPercent"] = "70", ["requestsPerTarget"] = "3000",
            },
            ["image"] = new Dictionary<string, object> { ["imageRepository"] = "acme", ["imageTag"] = "v42" },
            [Switched] = new Dictionary<string, object>
            {
                ["databaseMode"] = "provisioned",
                ["databaseInstanceClass"] = "r6g.large",
                ["cacheMode"] = "nodes",
                ["cacheEngine"] = "redis",
                ["cacheNodeType"] = "cache.t4g.small",
                ["cacheNodes"] = "3",
                ["natGateways"] = "0",
                ["desiredCount"] = "3",
                ["minTasks"] = "3",
                ["maxTasks"] = "6",
                ["cpu"] = "1024",
                ["memoryMiB"] = "2048",
                ["imageRepository"] = "acme",
                ["imageTag"] = "v42",
                ["region"] = "eu-central-1",
                ["availabilityZones"] = new object[] { "eu-central-1a", "eu-central-1b" },
                ["certificateArn"] = "arn:aws:acm:eu-central-1:123456789012:certificate/00000000-0000-0000-0000-000000000000",
            },
        };

    private static readonly ConcurrentDictionary<string, Lazy<AwsSynthesis>> s_synthesized = new();

    public static TheoryData<string> Names => [.. Contexts.Keys];

    public static AwsSynthesis Get(string name) => s_synthesized.GetOrAdd(name,
        _ => new Lazy<AwsSynthesis>(() => AwsSynthesis.Of(AwsSynthesis.CommittedManifest(), new Dictionary<string, object>(Contexts[name])))).Value;
}

/// <summary>The committed manifest synthesized with every default.</summary>
public sealed class DefaultDeployment
{
    public AwsSynthesis Synthesis { get; } = DocumentedDeployments.Get(DocumentedDeployments.Defaults);
}

/// <summary>The committed manifest with every switch turned the other way, in another region.</summary>
public sealed class SwitchedDeployment
{
    public static IReadOnlyDictionary<string, object> Context => DocumentedDeployments.Contexts[DocumentedDeployments.Switched];

    public AwsSynthesis Synthesis { get; } = DocumentedDeployments.Get(DocumentedDeployments.Switched);
}

/// <summary>jsii drives one Node.js process per test run: AWS tests take turns.</summary>
[CollectionDefinition(Name)]
public sealed class AwsCollection : ICollectionFixture<DefaultDeployment>, ICollectionFixture<SwitchedDeployment>
{
    public const string Name = "AWS synthesis";
}
