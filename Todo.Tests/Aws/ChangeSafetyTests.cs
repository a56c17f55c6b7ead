using Todo.Tests.Infrastructure;

namespace Todo.Tests.Aws;

/// <summary>
/// What turning each documented switch on a deployed default would do, computed offline as <c>cdk diff</c> computes
/// it (CloudFormation's replacement rules from the AWS service specification): no switch may replace or delete the
/// database, the cache, their subnets or their secrets, except those docs/aws.md lists as set before the first deploy.
/// </summary>
[Collection(AwsCollection.Name)]
[Trait("Category", "Aws")]
[Trait("Category", "Slow")]
public sealed class ChangeSafetyTests
{
    /// <summary>What holds data or reaches it: replacing or deleting one loses data or breaks every client.</summary>
    private static readonly string[] s_dataTier =
    [
        "AWS::RDS::DBCluster", "AWS::RDS::DBInstance", "AWS::RDS::DBSubnetGroup",
        "AWS::ElastiCache::ServerlessCache", "AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::SubnetGroup",
        "AWS::ElastiCache::User", "AWS::ElastiCache::UserGroup",
        "AWS::SecretsManager::Secret", "AWS::SecretsManager::SecretTargetAttachment",
        "AWS::EC2::VPC", "AWS::EC2::Subnet",
    ];

    /// <summary>Switches docs/aws.md says to set before the first deploy: they replace the cache.</summary>
    private static readonly string[] s_firstDeployOnly = ["cache-nodes", "cache-redis", "cache-redis-one-node"];

    private static readonly string[] s_destructive = ["WILL_REPLACE", "MAY_REPLACE", "WILL_DESTROY", "WILL_ORPHAN"];

    /// <summary>The combinations whose stacks keep their names and region, so that one deploys over the other.</summary>
    public static TheoryData<string> Switches => [.. SwitchNames];

    private static IEnumerable<string> SwitchNames => DocumentedDeployments.Contexts.Keys
        .Where(name => name is not (DocumentedDeployments.Defaults or DocumentedDeployments.Switched));

    /// <summary>For each switch, the data-tier resources its deployment over the defaults would replace or delete.</summary>
    private static readonly Lazy<Task<Dictionary<string, List<string>>>> s_replacements = new(DataTierReplacementsAsync);

    [Theory]
    [MemberData(nameof(Switches))]
    public async Task A_switch_replaces_no_part_of_the_data_tier_unless_readme_says_to_set_it_before_the_first_deploy(string deployment)
    {
        var replaced = (await s_replacements.Value)[deployment];

        if (s_firstDeployOnly.Contains(deployment))
        {
            Assert.NotEmpty(replaced);
            Assert.Contains($"`{FirstDeploySwitch(deployment)}`", DocumentedFirstDeployLine());
        }
        else
        {
            Assert.True(replaced.Count == 0, $"'{deployment}' would {string.Join("; ", replaced)}");
        }
    }

    [Fact]
    public async Task The_check_sees_a_replacement()
    {
        var defaults = DocumentedDeployments.Get(DocumentedDeployments.Defaults).Json["todo-postgres"];
        var renamed = defaults.DeepClone().AsObject();
        var cluster = renamed["Resources"]!.AsObject().Single(resource => resource.Value!["Type"]!.GetValue<string>() == "AWS::RDS::DBCluster");
        cluster.Value!["Properties"]!["DatabaseName"] = "renamed";

        var changes = Assert.Single(await AwsChecks.DiffAsync([(defaults, renamed)]));

        Assert.Equal("WILL_REPLACE", Assert.Single(changes, change => change.Resource == cluster.Key).Impact);
    }

    private static async Task<Dictionary<string, List<string>>> DataTierReplacementsAsync()
    {
        var before = DocumentedDeployments.Get(DocumentedDeployments.Defaults).Json;
        var pairs = SwitchNames
            .SelectMany(name => DocumentedDeployments.Get(name).Json.Where(stack => before.ContainsKey(stack.Key))
                .Select(stack => (Switch: name, Stack: stack.Key, After: stack.Value)))
            .ToList();
        var diffs = await AwsChecks.DiffAsync(pairs.Select(pair => (before[pair.Stack], pair.After)));
        return pairs.Zip(diffs)
            .GroupBy(pair => pair.First.Switch)
            .ToDictionary(group => group.Key, group => group
                .SelectMany(pair => pair.Second
                    .Where(change => s_dataTier.Contains(change.Type) && s_destructive.Contains(change.Impact))
                    .Select(change => $"{change.Impact} {pair.First.Stack}/{change.Resource} ({change.Type})"))
                .ToList());
    }

    private static string FirstDeploySwitch(string deployment) => deployment.StartsWith("cache-redis", StringComparison.Ordinal) ? "cacheEngine" : "cacheMode";

    private static string DocumentedFirstDeployLine() =>
        File.ReadLines(Path.Combine(Repository.Root, "docs", "aws.md")).Single(line => line.StartsWith("Set before the first deploy", StringComparison.Ordinal));
}
