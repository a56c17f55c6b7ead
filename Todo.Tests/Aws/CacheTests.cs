using Amazon.CDK.Assertions;
using Todo.Aws.Stacks;
using Todo.SharedOutputCache;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Aws;

[Collection(AwsCollection.Name)]
[Trait("Category", "Aws")]
[Trait("Category", "Slow")]
public sealed class CacheTests(DefaultDeployment defaults, SwitchedDeployment switched)
{
    [Fact]
    public void Redis_becomes_a_valkey_serverless_cache_with_a_user_group_in_the_isolated_subnets()
    {
        var cache = Assert.Single(defaults.Synthesis.Resources("todo-cache", "AWS::ElastiCache::ServerlessCache").Values)["Properties"]!;

        var group = Assert.Single(defaults.Synthesis.Resources("todo-cache", "AWS::ElastiCache::UserGroup").Values)["Properties"]!;
        Assert.Equal("valkey", cache["Engine"]!.GetValue<string>());
        Assert.Equal(group["UserGroupId"]!.GetValue<string>(), cache["UserGroupId"]!.GetValue<string>());
        Assert.All(cache["SubnetIds"]!.AsArray(), subnet => Assert.Contains("isolatedSubnet", subnet!.ToJsonString()));
    }

    [Fact]
    public void Authentication_is_on_with_a_generated_password_and_the_default_user_is_disabled()
    {
        var cache = defaults.Synthesis["todo-cache"];

        cache.HasResourceProperties("AWS::ElastiCache::User", new Dictionary<string, object>
        {
            ["UserName"] = "default",
            ["AccessString"] = "off -@all",
        });
        var application = defaults.Synthesis.Resources("todo-cache", "AWS::ElastiCache::User").Values
            .Select(user => user["Properties"]!)
            .Single(user => user["UserName"]!.GetValue<string>() == "app");
        Assert.Equal(CacheStack.ApplicationAccess, application["AccessString"]!.GetValue<string>());
        Assert.Equal("password", application["AuthenticationMode"]!["Type"]!.GetValue<string>());
        Assert.Contains("{{resolve:secretsmanager:", Assert.Single(application["AuthenticationMode"]!["Passwords"]!.AsArray())!.ToJsonString());
        cache.HasResourceProperties("AWS::SecretsManager::Secret", new Dictionary<string, object>
        {
            ["GenerateSecretString"] = Match.ObjectLike(new Dictionary<string, object> { ["ExcludePunctuation"] = true }),
        });
        var group = Assert.Single(defaults.Synthesis.Resources("todo-cache", "AWS::ElastiCache::UserGroup").Values);
        Assert.Equal(2, group["Properties"]!["UserIds"]!.AsArray().Count);
        var defaultUser = defaults.Synthesis.Resources("todo-cache", "AWS::ElastiCache::User").Values
            .Select(user => user["Properties"]!)
            .Single(user => user["UserName"]!.GetValue<string>() == "default");
        Assert.Contains("{{resolve:secretsmanager:", Assert.Single(defaultUser["AuthenticationMode"]!["Passwords"]!.AsArray())!.ToJsonString());
        Assert.NotEqual(application["AuthenticationMode"]!["Passwords"]!.ToJsonString(), defaultUser["AuthenticationMode"]!["Passwords"]!.ToJsonString());
    }

    /// <summary>The user's keys are the store's: a prefix changed on one side and not the other would leave the API without a cache.</summary>
    [Fact]
    public void The_application_users_keys_are_the_output_caches_keys()
    {
        var keyPatterns = CacheStack.ApplicationAccess.Split(' ').Where(rule => rule.StartsWith('~')).ToList();

        Assert.Equal([$"~{new SharedOutputCacheOptions().KeyPrefix}*"], keyPatterns);
        Assert.DoesNotContain("+@all", CacheStack.ApplicationAccess);
        Assert.DoesNotContain("&", CacheStack.ApplicationAccess);
    }

    [Theory]
    [InlineData(DocumentedDeployments.Defaults, 2, 100_000)]
    [InlineData("cache-limits", 10, 50_000)]
    public void A_serverless_cache_is_bounded_in_size_and_rate_and_so_in_cost(string deployment, int gigabytes, int ecpuPerSecond)
    {
        var limits = Assert.Single(DocumentedDeployments.Get(deployment).Resources("todo-cache", "AWS::ElastiCache::ServerlessCache").Values)
            ["Properties"]!["CacheUsageLimits"]!;

        Assert.Equal(gigabytes, limits["DataStorage"]!["Maximum"]!.GetValue<int>());
        Assert.Equal("GB", limits["DataStorage"]!["Unit"]!.GetValue<string>());
        Assert.Equal(ecpuPerSecond, limits["ECPUPerSecond"]!["Maximum"]!.GetValue<int>());
    }

    [Fact]
    public void Clients_connect_with_tls_and_the_application_user_and_read_its_password_from_its_secret()
    {
        var container = Assert.Single(defaults.Synthesis.Resources("todo-api", "AWS::ECS::TaskDefinition").Values)["Properties"]!["ContainerDefinitions"]![0]!;
        var connectionString = container["Environment"]!.AsArray().Single(variable => variable!["Name"]!.GetValue<string>() == "ConnectionStrings__cache")!["Value"]!.ToJsonString();
        var password = container["Secrets"]!.AsArray().Single(secret => secret!["Name"]!.GetValue<string>() == "ConnectionStrings__cache__password")!["ValueFrom"]!.ToJsonString();

        Assert.Contains("ssl=true", connectionString);
        Assert.Contains("user=app", connectionString);
        Assert.DoesNotContain("password", connectionString, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("todo-cache", password);
    }

    [Fact]
    public void The_redis_engine_switch_gives_a_redis_serverless_cache()
    {
        var synthesis = DocumentedDeployments.Get("cache-redis");

        synthesis["todo-cache"].HasResourceProperties("AWS::ElastiCache::ServerlessCache", new Dictionary<string, object> { ["Engine"] = "redis" });
        synthesis["todo-cache"].HasResourceProperties("AWS::ElastiCache::User", new Dictionary<string, object> { ["Engine"] = "redis" });
    }

    [Fact]
    public void The_node_based_switch_gives_an_encrypted_multi_az_replication_group_with_the_same_users()
    {
        var cache = switched.Synthesis["todo-cache"];

        cache.ResourceCountIs("AWS::ElastiCache::ServerlessCache", 0);
        cache.HasResourceProperties("AWS::ElastiCache::ReplicationGroup", new Dictionary<string, object>
        {
            ["Engine"] = "redis",
            ["CacheNodeType"] = "cache.t4g.small",
            ["NumCacheClusters"] = 3,
            ["AutomaticFailoverEnabled"] = true,
            ["MultiAZEnabled"] = true,
            ["TransitEncryptionEnabled"] = true,
            ["TransitEncryptionMode"] = "required",
            ["AtRestEncryptionEnabled"] = true,
            ["UserGroupIds"] = Match.AnyValue(),
        });
        cache.ResourceCountIs("AWS::ElastiCache::User", 2);
    }
}
