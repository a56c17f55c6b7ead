using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Constructs;

namespace Todo.Aws.Stacks;

/// <summary>
/// A VPC over two named availability zones: public subnets (load balancers, NAT), private subnets with egress (tasks)
/// and isolated subnets (database, cache). Zones are given, never looked up, so synthesis needs no AWS account.
/// </summary>
public sealed class NetworkStack : Stack
{
    public NetworkStack(Construct scope, string id, TodoAwsOptions options, IStackProps props) : base(scope, id, props)
    {
        Vpc = new Vpc(this, "Vpc", new VpcProps
        {
            AvailabilityZones = [.. options.Zones],
            NatGateways = options.NatGateways,
            SubnetConfiguration =
            [
                new SubnetConfiguration { Name = "public", SubnetType = SubnetType.PUBLIC, CidrMask = 24 },
                .. options.NatGateways > 0
                    ? [new SubnetConfiguration { Name = "private", SubnetType = SubnetType.PRIVATE_WITH_EGRESS, CidrMask = 22 }]
                    : Array.Empty<SubnetConfiguration>(),
                new SubnetConfiguration { Name = "isolated", SubnetType = SubnetType.PRIVATE_ISOLATED, CidrMask = 24 },
            ],
        });
        TaskSubnetType = options.NatGateways > 0 ? SubnetType.PRIVATE_WITH_EGRESS : SubnetType.PUBLIC;
    }

    public Vpc Vpc { get; }

    /// <summary>Where tasks run: private subnets behind NAT, or public subnets with public IPs when there is no NAT.</summary>
    public SubnetType TaskSubnetType { get; }
}
