using System.Collections.Concurrent;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Aws;

/// <summary>
/// Every switch combination docs/aws.md documents, each synthesized from the committed manifest at most
/// once per test run, when a test first asks for it.
/// </summary>
public static class DocumentedDeployments
{
    public const string Defaults = "defaults";
    public const string Switched = "switched";

    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, object>> Contexts =
        new Dictionary<string, IReadOnlyDictionary<string, object>>
        {
            [Defaults] = PlainHttp(),
            ["cache-nodes"] = PlainHttp(("cacheMode", "nodes")),
            ["cache-redis"] = PlainHttp(("cacheEngine", "redis")),
            ["cache-redis-one-node"] = PlainHttp(("cacheMode", "nodes"), ("cacheEngine", "redis"), ("cacheNodes", "1"), ("cacheNodeType", "cache.t4g.small")),
            ["cache-limits"] = PlainHttp(("cacheMaxDataGB", "10"), ("cacheMaxEcpuPerSecond", "50000")),
            ["database-provisioned"] = PlainHttp(("databaseMode", "provisioned"), ("databaseInstanceClass", "r6g.large")),
            ["database-capacity-and-version"] = PlainHttp(("databaseMinCapacity", "1"), ("databaseMaxCapacity", "16"), ("databaseEngineVersion", "16.6")),
            ["nat-per-zone"] = PlainHttp(("natGateways", "2")),
            ["vpc-endpoints"] = PlainHttp(("vpcEndpoints", "true")),
            ["no-nat-vpc-endpoints"] = PlainHttp(("natGateways", "0"), ("vpcEndpoints", "true")),
            ["web-acl"] = PlainHttp(("webAcl", "true"), ("webAclRateLimit", "500")),
            ["unprotected"] = PlainHttp(("deletionProtection", "false"), ("logRetentionDays", "7"), ("accessLogDays", "7")),
            ["rotation"] = PlainHttp(("secretRotationDays", "7")),
            ["https"] = new Dictionary<string, object>
            {
                ["certificateArn"] = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000",
                ["domainName"] = "todo.example.com",
            },
            ["https-route53"] = new Dictionary<string, object>
            {
                ["certificateArn"] = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000",
                ["domainName"] = "todo.example.com",
                ["hostedZoneId"] = "Z0123456789ABCDEFGHIJ",
                ["signInCallbackUrls"] = "https://todo.example.com/signed-in,http://localhost:8400/callback",
            },
            ["tasks"] = PlainHttp(("cpu", "1024"), ("memoryMiB", "2048"), ("desiredCount", "3"), ("minTasks", "3"), ("maxTasks", "6"),
                ("cpuTargetPercent", "50"), ("memoryTargetPercent", "70"), ("requestsPerTarget", "3000")),
            ["image"] = PlainHttp(("imageRepository", "acme"), ("imageTag", "v42")),
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
                ["domainName"] = "todo.example.eu",
                ["hostedZoneId"] = "Z9876543210ZYXWVUTSRQ",
                ["signInCallbackUrls"] = "https://todo.example.eu/signed-in",
                ["webAcl"] = "true",
                ["vpcEndpoints"] = "true",
                ["deletionProtection"] = "false",
                ["logRetentionDays"] = "90",
            },
        };

    private static readonly ConcurrentDictionary<string, Lazy<AwsSynthesis>> s_synthesized = new();

    /// <summary>
    /// Switches of a deployment without a certificate, which docs/aws.md documents with <c>allowPlainHttp</c>: without it,
    /// synthesis refuses a public load balancer that serves plain HTTP.
    /// </summary>
    private static Dictionary<string, object> PlainHttp(params (string Key, string Value)[] switches) =>
        switches.Append((Key: "allowPlainHttp", Value: "true")).ToDictionary(entry => entry.Key, object (entry) => entry.Value);

    public static TheoryData<string> Names => [.. Contexts.Keys];

    public static AwsSynthesis Get(string name) => s_synthesized.GetOrAdd(name,
        _ => new Lazy<AwsSynthesis>(() => AwsSynthesis.Of(AwsSynthesis.CommittedManifest(), new Dictionary<string, object>(Contexts[name])))).Value;

    /// <summary>The defaults' switches, to synthesize another manifest with.</summary>
    public static Dictionary<string, object> DefaultContext() => new(Contexts[Defaults]);

    /// <summary>The templates of a documented deployment, with the region they deploy to.</summary>
    public static TemplateSet TemplateSet(string name) =>
        new(Contexts[name].TryGetValue("region", out var region) ? (string)region : "us-east-1", Get(name).Json);
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
