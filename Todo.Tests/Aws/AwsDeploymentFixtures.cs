using Todo.Tests.Infrastructure;

namespace Todo.Tests.Aws;

/// <summary>The committed manifest synthesized with every default.</summary>
public sealed class DefaultDeployment
{
    public AwsSynthesis Synthesis { get; } = AwsSynthesis.Of(AwsSynthesis.CommittedManifest());
}

/// <summary>The committed manifest with every switch turned the other way.</summary>
public sealed class SwitchedDeployment
{
    public static readonly Dictionary<string, object> Context = new()
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
        ["certificateArn"] = "arn:aws:acm:eu-central-1:123456789012:certificate/00000000-0000-0000-0000-000000000000",
    };

    public AwsSynthesis Synthesis { get; } = AwsSynthesis.Of(AwsSynthesis.CommittedManifest(), Context);
}

/// <summary>jsii drives one Node.js process per test run: AWS tests take turns.</summary>
[CollectionDefinition(Name)]
public sealed class AwsCollection : ICollectionFixture<DefaultDeployment>, ICollectionFixture<SwitchedDeployment>
{
    public const string Name = "AWS synthesis";
}
