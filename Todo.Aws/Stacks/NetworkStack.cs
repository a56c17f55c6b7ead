using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Constructs;
using Todo.Aws.Constructs;

namespace Todo.Aws.Stacks;

/// <summary>
/// A VPC over two or more named availability zones: public subnets (load balancers, NAT), private subnets (tasks) and
/// isolated subnets (database, cache). Zones are given, never looked up, so synthesis needs no AWS account. Every
/// flow, accepted or rejected, is logged to CloudWatch Logs; the default security group has no rule; by switch, the
/// AWS services the tasks use are reached through VPC endpoints instead of the NAT gateway.
/// </summary>
/// <remarks>
/// One address plan for every switch: the three groups always exist, in this order and with these sizes, so each
/// subnet keeps its address range and logical id whatever <c>natGateways</c> says (without NAT gateways the private
/// group has no route out and stays unused). Every subnet is exported whether a stack uses it today or not, so a
/// switch that moves the tasks never deletes an export that a deployed stack still imports.
/// </remarks>
public sealed class NetworkStack : Stack
{
    public const string PublicSubnets = "public";
    public const string PrivateSubnets = "private";
    public const string IsolatedSubnets = "isolated";
    private const string AddressRange = "10.0.0.0/16";

    public NetworkStack(Construct scope, string id, TodoAwsOptions options, IStackProps props) : base(scope, id, props)
    {
        var withNat = options.NatGateways > 0;
        Vpc = new Vpc(this, "Vpc", new VpcProps
        {
            IpAddresses = IpAddresses.Cidr(AddressRange),
            AvailabilityZones = [.. options.AvailabilityZones],
            NatGateways = options.NatGateways,
            SubnetConfiguration =
            [
                new SubnetConfiguration { Name = PublicSubnets, SubnetType = SubnetType.PUBLIC, CidrMask = 24 },
                new SubnetConfiguration
                {
                    Name = PrivateSubnets,
                    SubnetType = withNat ? SubnetType.PRIVATE_WITH_EGRESS : SubnetType.PRIVATE_ISOLATED,
                    CidrMask = 22,
                },
                new SubnetConfiguration { Name = IsolatedSubnets, SubnetType = SubnetType.PRIVATE_ISOLATED, CidrMask = 24 },
            ],
        });
        TaskSubnets = new SubnetSelection { SubnetGroupName = withNat ? PrivateSubnets : PublicSubnets };
        TasksNeedPublicAddresses = !withNat;

        Vpc.AddFlowLog("FlowLog", new FlowLogOptions
        {
            TrafficType = FlowLogTrafficType.ALL,
            Destination = FlowLogDestination.ToCloudWatchLogs(LogRetention.Group(this, "FlowLogs", options)),
        });
        DefaultSecurityGroupClosure.Add(this, Vpc, options);
        if (options.VpcEndpoints)
        {
            AddServiceEndpoints();
        }

        foreach (var subnet in new[] { Vpc.PublicSubnets, Vpc.PrivateSubnets, Vpc.IsolatedSubnets }.SelectMany(subnets => subnets))
        {
            ExportValue(subnet.SubnetId);
        }
    }

    public Vpc Vpc { get; }

    /// <summary>
    /// What a task reaches at start and while it runs, through endpoints in the private subnets (one per zone, private
    /// DNS, so every subnet's calls take them): images (ECR's API and registry, the layers from S3), secrets and logs.
    /// </summary>
    private void AddServiceEndpoints()
    {
        var subnets = new SubnetSelection { SubnetGroupName = PrivateSubnets };
        var endpoints = new SecurityGroup(this, "EndpointsSecurityGroup", new SecurityGroupProps
        {
            Vpc = Vpc,
            AllowAllOutbound = false,
            Description = Ec2Text.Description("VPC endpoints: HTTPS from inside the VPC only"),
        });
        endpoints.AddIngressRule(Peer.Ipv4(AddressRange), Port.Tcp(443), Ec2Text.Description("HTTPS from the VPC"));
        foreach (var (id, service) in new[]
        {
            ("EcrApi", InterfaceVpcEndpointAwsService.ECR),
            ("EcrRegistry", InterfaceVpcEndpointAwsService.ECR_DOCKER),
            ("SecretsManager", InterfaceVpcEndpointAwsService.SECRETS_MANAGER),
            ("Logs", InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS),
        })
        {
            Vpc.AddInterfaceEndpoint(id, new InterfaceVpcEndpointOptions
            {
                Service = service,
                Subnets = subnets,
                PrivateDnsEnabled = true,
                SecurityGroups = [endpoints],
                Open = false,
            });
        }
        Vpc.AddGatewayEndpoint("S3", new GatewayVpcEndpointOptions
        {
            Service = GatewayVpcEndpointAwsService.S3,
            Subnets = [.. new[] { PublicSubnets, PrivateSubnets, IsolatedSubnets }.Select(group => new SubnetSelection { SubnetGroupName = group })],
        });
    }

    /// <summary>Where tasks run: private subnets behind NAT, or public subnets with public addresses when there is no NAT.</summary>
    public SubnetSelection TaskSubnets { get; }

    public bool TasksNeedPublicAddresses { get; }

    /// <summary>The isolated subnets of the data tier: the same whatever the switches say.</summary>
    public SubnetSelection DataSubnets { get; } = new() { SubnetGroupName = IsolatedSubnets };
}
