using Todo.Tests.Infrastructure;

namespace Todo.Tests.Aws;

[Collection(AwsCollection.Name)]
[Trait("Category", "Aws")]
public sealed class NetworkTests(DefaultDeployment defaults, SwitchedDeployment switched)
{
    [Fact]
    public void The_vpc_spans_two_named_zones_with_public_private_and_isolated_subnets_and_one_nat_gateway()
    {
        var subnets = defaults.Synthesis.Resources("todo-network", "AWS::EC2::Subnet").Values.ToList();

        Assert.Equal(["us-east-1a", "us-east-1b"], subnets.Select(subnet => subnet["Properties"]!["AvailabilityZone"]!.GetValue<string>()).Distinct().Order());
        Assert.Equal(["Isolated", "Private", "Public"], subnets.SelectMany(subnet => subnet["Properties"]!["Tags"]!.AsArray())
            .Where(tag => tag!["Key"]!.GetValue<string>() == "aws-cdk:subnet-type")
            .Select(tag => tag!["Value"]!.GetValue<string>()).Distinct().Order());
        Assert.Equal(6, subnets.Count);
        defaults.Synthesis["todo-network"].ResourceCountIs("AWS::EC2::NatGateway", 1);
    }

    [Fact]
    public void Without_nat_gateways_tasks_run_in_public_subnets_with_public_addresses()
    {
        switched.Synthesis["todo-network"].ResourceCountIs("AWS::EC2::NatGateway", 0);
        var service = Assert.Single(switched.Synthesis.Resources("todo-api", "AWS::ECS::Service").Values);

        Assert.Equal("ENABLED", service["Properties"]!["NetworkConfiguration"]!["AwsvpcConfiguration"]!["AssignPublicIp"]!.GetValue<string>());
        Assert.Equal(["eu-central-1a", "eu-central-1b"], switched.Synthesis.Resources("todo-network", "AWS::EC2::Subnet").Values
            .Select(subnet => subnet["Properties"]!["AvailabilityZone"]!.GetValue<string>()).Distinct().Order());
    }

    /// <summary>
    /// One address plan: a switch that re-addressed a subnet would replace it and everything in it (the database and
    /// the cache among them), and one that dropped an export a deployed stack imports would fail to deploy.
    /// </summary>
    [Theory]
    [MemberData(nameof(DocumentedDeployments.Names), MemberType = typeof(DocumentedDeployments))]
    public void Every_switch_keeps_every_subnet_at_its_address_and_every_export(string deployment)
    {
        var other = DocumentedDeployments.Get(deployment);

        Assert.Equal(Subnets(defaults.Synthesis), Subnets(other));
        Assert.Subset(Exports(other), Exports(defaults.Synthesis));
        Assert.Equal(["10.0.0.0/24", "10.0.1.0/24", "10.0.12.0/24", "10.0.13.0/24", "10.0.4.0/22", "10.0.8.0/22"],
            Subnets(other).Values.Order(StringComparer.Ordinal));
    }

    private static SortedDictionary<string, string> Subnets(AwsSynthesis synthesis) => new(
        synthesis.Resources("todo-network", "AWS::EC2::Subnet").ToDictionary(
            subnet => subnet.Key, subnet => subnet.Value["Properties"]!["CidrBlock"]!.GetValue<string>()), StringComparer.Ordinal);

    private static HashSet<string> Exports(AwsSynthesis synthesis) =>
        [.. synthesis.Json["todo-network"]["Outputs"]!.AsObject().Select(output => output.Value!["Export"]!["Name"]!.GetValue<string>())];
}
