using Todo.Aws;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Aws;

[Collection(AwsCollection.Name)]
[Trait("Category", "Aws")]
[Trait("Category", "Slow")]
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

    [Fact]
    public void Every_flow_of_the_vpc_is_logged_to_a_log_group_kept_as_long_as_the_others()
    {
        var flowLog = Assert.Single(defaults.Synthesis.Resources("todo-network", "AWS::EC2::FlowLog").Values)["Properties"]!;
        var logGroup = Assert.Single(defaults.Synthesis.Resources("todo-network", "AWS::Logs::LogGroup"),
            group => flowLog["LogGroupName"]!.ToJsonString().Contains(group.Key, StringComparison.Ordinal));

        Assert.Equal("ALL", flowLog["TrafficType"]!.GetValue<string>());
        Assert.Equal("cloud-watch-logs", flowLog["LogDestinationType"]!.GetValue<string>());
        Assert.Equal(30, logGroup.Value["Properties"]!["RetentionInDays"]!.GetValue<int>());
        Assert.All(DocumentedDeployments.Get("unprotected").Resources("todo-network", "AWS::Logs::LogGroup").Values,
            group => Assert.Equal(7, group["Properties"]!["RetentionInDays"]!.GetValue<int>()));
    }

    [Fact]
    public void A_function_of_ours_removes_every_rule_of_the_default_security_group_and_may_touch_no_other_group()
    {
        var closure = Assert.Single(defaults.Synthesis.Resources("todo-network", "Custom::ClosedDefaultSecurityGroup").Values)["Properties"]!;
        var (functionId, function) = Assert.Single(defaults.Synthesis.Resources("todo-network", "AWS::Lambda::Function"));
        var policy = Assert.Single(defaults.Synthesis.Resources("todo-network", "AWS::IAM::Policy").Values,
            policy => policy.ToJsonString().Contains("ec2:RevokeSecurityGroupIngress", StringComparison.Ordinal))["Properties"]!["PolicyDocument"]!;

        Assert.Contains("DefaultSecurityGroup", closure["GroupId"]!.ToJsonString());
        Assert.Contains(functionId, closure["ServiceToken"]!.ToJsonString());
        Assert.Equal("nodejs24.x", function["Properties"]!["Runtime"]!.GetValue<string>());
        var revoke = policy["Statement"]!.AsArray().Single(statement => statement!["Action"]!.ToJsonString().Contains("Revoke", StringComparison.Ordinal))!;
        Assert.Contains("DefaultSecurityGroup", revoke["Resource"]!.ToJsonString());
    }

    [Fact]
    public void The_endpoint_switch_reaches_ecr_secrets_manager_logs_and_s3_without_nat_from_every_subnet()
    {
        var synthesis = DocumentedDeployments.Get("vpc-endpoints");

        var interfaces = synthesis.Resources("todo-network", "AWS::EC2::VPCEndpoint").Values.Select(endpoint => endpoint["Properties"]!).ToList();
        Assert.Equal(["com.amazonaws.us-east-1.ecr.api", "com.amazonaws.us-east-1.ecr.dkr", "com.amazonaws.us-east-1.logs",
                "com.amazonaws.us-east-1.s3", "com.amazonaws.us-east-1.secretsmanager"],
            interfaces.Select(endpoint => TemplateText.Of(endpoint["ServiceName"], reference => reference!["Ref"]!.GetValue<string>() == "AWS::Region" ? "us-east-1" : "ref")).Order());
        Assert.All(interfaces.Where(endpoint => endpoint["VpcEndpointType"]!.GetValue<string>() == "Interface"),
            endpoint => Assert.True(endpoint["PrivateDnsEnabled"]!.GetValue<bool>()));
        var gateway = Assert.Single(interfaces, endpoint => endpoint["VpcEndpointType"]!.GetValue<string>() == "Gateway");
        Assert.Equal(6, gateway["RouteTableIds"]!.AsArray().Count);
        Assert.Empty(defaults.Synthesis.Resources("todo-network", "AWS::EC2::VPCEndpoint"));
    }

    [Fact]
    public void Without_nat_gateways_synthesis_asks_for_the_endpoints_the_rotation_functions_need()
    {
        var context = DocumentedDeployments.DefaultContext();
        context["natGateways"] = "0";

        var refused = Assert.Throws<DeploymentRefusedException>(() => AwsSynthesis.Of(AwsSynthesis.CommittedManifest(), context));

        Assert.Contains("vpcEndpoints=true", refused.Message);
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
