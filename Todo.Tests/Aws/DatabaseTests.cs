using Amazon.CDK.Assertions;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Aws;

[Collection(AwsCollection.Name)]
[Trait("Category", "Aws")]
[Trait("Category", "Slow")]
public sealed class DatabaseTests(DefaultDeployment defaults, SwitchedDeployment switched)
{
    [Fact]
    public void Postgres_becomes_an_encrypted_aurora_postgresql_16_serverless_v2_cluster_with_the_todos_database()
    {
        defaults.Synthesis["todo-postgres"].HasResourceProperties("AWS::RDS::DBCluster", new Dictionary<string, object>
        {
            ["Engine"] = "aurora-postgresql",
            ["EngineVersion"] = "16",
            ["StorageEncrypted"] = true,
            ["DatabaseName"] = "todos",
            ["ServerlessV2ScalingConfiguration"] = new Dictionary<string, object> { ["MinCapacity"] = 0.5, ["MaxCapacity"] = 4 },
        });
        defaults.Synthesis["todo-postgres"].HasResourceProperties("AWS::RDS::DBInstance", new Dictionary<string, object>
        {
            ["DBInstanceClass"] = "db.serverless",
        });
    }

    [Fact]
    public void The_cluster_refuses_deletion_unless_switched_off_and_takes_iam_authentication()
    {
        var protectedCluster = Assert.Single(defaults.Synthesis.Resources("todo-postgres", "AWS::RDS::DBCluster").Values)["Properties"]!;
        var unprotected = Assert.Single(DocumentedDeployments.Get("unprotected").Resources("todo-postgres", "AWS::RDS::DBCluster").Values)["Properties"]!;

        Assert.True(protectedCluster["DeletionProtection"]!.GetValue<bool>());
        Assert.True(protectedCluster["EnableIAMDatabaseAuthentication"]!.GetValue<bool>());
        Assert.False(unprotected["DeletionProtection"]!.GetValue<bool>());
    }

    [Fact]
    public void The_provisioned_switch_gives_instances_of_the_chosen_class()
    {
        switched.Synthesis["todo-postgres"].HasResourceProperties("AWS::RDS::DBInstance", new Dictionary<string, object>
        {
            ["DBInstanceClass"] = "db.r6g.large",
        });
        var cluster = Assert.Single(switched.Synthesis.Resources("todo-postgres", "AWS::RDS::DBCluster").Values);
        Assert.Null(cluster["Properties"]!["ServerlessV2ScalingConfiguration"]);
        Assert.True(cluster["Properties"]!["StorageEncrypted"]!.GetValue<bool>());
    }

    [Fact]
    public void The_cluster_lives_in_the_isolated_subnets()
    {
        var subnetGroup = Assert.Single(defaults.Synthesis.Resources("todo-postgres", "AWS::RDS::DBSubnetGroup").Values);
        var subnets = subnetGroup["Properties"]!["SubnetIds"]!.AsArray().Select(subnet => subnet!.ToJsonString()).ToList();

        Assert.Equal(2, subnets.Count);
        Assert.All(subnets, subnet => Assert.Contains("isolatedSubnet", subnet));
    }

    [Fact]
    public void Credentials_are_generated_in_secrets_manager()
    {
        defaults.Synthesis["todo-postgres"].HasResourceProperties("AWS::SecretsManager::Secret", new Dictionary<string, object>
        {
            ["GenerateSecretString"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["GenerateStringKey"] = "password",
                ["SecretStringTemplate"] = "{\"username\":\"postgres\"}",
            }),
        });
        var cluster = Assert.Single(defaults.Synthesis.Resources("todo-postgres", "AWS::RDS::DBCluster").Values);
        Assert.Contains("{{resolve:secretsmanager:", cluster["Properties"]!["MasterUserPassword"]!.ToJsonString());
    }
}
