using System.Text.Json.Nodes;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Aws;

/// <summary>
/// Only the service reaches PostgreSQL (5432) and Redis (6379, 6380), and the database also its own credentials' rotation
/// functions; nothing else is opened to them.
/// </summary>
[Collection(AwsCollection.Name)]
[Trait("Category", "Aws")]
[Trait("Category", "Slow")]
public sealed class IngressTests(DefaultDeployment defaults, SwitchedDeployment switched)
{
    public static TheoryData<string> Deployments => ["defaults", "switched"];

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Database_and_cache_accept_exactly_the_service_on_their_ports(string deployment)
    {
        var synthesis = deployment == "defaults" ? defaults.Synthesis : switched.Synthesis;
        var serviceGroup = Assert.Single(synthesis.Resources("todo-api", "AWS::EC2::SecurityGroup").Keys, id => id.StartsWith("ServiceSecurityGroup", StringComparison.Ordinal));

        var rules = synthesis.Resources("todo-api", "AWS::EC2::SecurityGroupIngress").Values
            .Select(rule => rule["Properties"]!)
            .Where(rule => rule["GroupId"]!.ToJsonString().Contains("ImportValue", StringComparison.Ordinal))
            .Select(rule => (Port: rule["FromPort"]!.GetValue<int>(), ToPort: rule["ToPort"]!.GetValue<int>(),
                Target: rule["GroupId"]!.ToJsonString(), Source: rule["SourceSecurityGroupId"]!.ToJsonString()))
            .OrderBy(rule => rule.Port)
            .ToList();

        Assert.Equal([5432, 6379, 6380], rules.Select(rule => rule.Port));
        Assert.All(rules, rule => Assert.Equal(rule.Port, rule.ToPort));
        Assert.All(rules, rule => Assert.Contains(serviceGroup, rule.Source));
        Assert.Contains("todo-postgres", rules[0].Target);
        Assert.All(rules.Skip(1), rule => Assert.Contains("todo-cache", rule.Target));
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void The_database_and_cache_stacks_open_nothing_themselves(string deployment)
    {
        var synthesis = deployment == "defaults" ? defaults.Synthesis : switched.Synthesis;

        foreach (var stack in new[] { "todo-cache", "todo-network" })
        {
            Assert.Empty(synthesis.Resources(stack, "AWS::EC2::SecurityGroupIngress"));
        }
        var rotation = Assert.Single(synthesis.Resources("todo-postgres", "AWS::SecretsManager::RotationSchedule").Values
            .Select(schedule => schedule["Properties"]!["HostedRotationLambda"]!["VpcSecurityGroupIds"]!.ToJsonString()).Distinct());
        var fromRotation = Assert.Single(synthesis.Resources("todo-postgres", "AWS::EC2::SecurityGroupIngress").Values)["Properties"]!;
        Assert.Equal(5432, fromRotation["FromPort"]!.GetValue<int>());
        Assert.Contains(fromRotation["SourceSecurityGroupId"]!.ToJsonString(), rotation);
        foreach (var stack in new[] { "todo-postgres", "todo-cache" })
        {
            Assert.All(synthesis.Resources(stack, "AWS::EC2::SecurityGroup").Values,
                group => Assert.Null(group["Properties"]!["SecurityGroupIngress"]));
        }
        // The VPC endpoints (a switch) take HTTPS from the VPC's own addresses, and nothing else.
        Assert.All(synthesis.Resources("todo-network", "AWS::EC2::SecurityGroup").Values
                .SelectMany(group => group["Properties"]!["SecurityGroupIngress"]?.AsArray() ?? []),
            rule => Assert.Equal("""{"CidrIp":"10.0.0.0/16","Description":"HTTPS from the VPC","FromPort":443,"IpProtocol":"tcp","ToPort":443}""",
                rule!.ToJsonString()));
        var otherStacks = synthesis.Json.Keys.Except(["todo-api"]);
        Assert.DoesNotContain(otherStacks.SelectMany(stack => synthesis.Resources(stack, "AWS::EC2::SecurityGroupIngress").Values),
            rule => rule["Properties"]!["FromPort"] is JsonValue port && port.GetValue<int>() is 5432 or 6379 or 6380
                && rule["Properties"] != fromRotation);
    }
}
