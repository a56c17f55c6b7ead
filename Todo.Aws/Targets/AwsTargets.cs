using System.Globalization;
using Amazon.CDK.AWS.EC2;
using Constructs;
using Todo.Aws.Constructs;
using Todo.Aws.Stacks;

namespace Todo.Aws.Targets;

public static class AwsTargets
{
    /// <summary>
    /// One ingress rule per target group and port, however many references lead to it. Rules live in the client's stack
    /// (see <see cref="IAwsTarget.AllowFrom"/>), where <see cref="ServiceStack"/> makes its tasks wait for them.
    /// </summary>
    public static void AllowIngress(Construct scope, ISecurityGroup target, ISecurityGroup client, int port, string description)
    {
        var id = $"Ingress{port.ToString(CultureInfo.InvariantCulture)}To{target.Node.Addr[..12]}";
        if (scope.Node.TryFindChild(id) is not null)
        {
            return;
        }
        _ = new CfnSecurityGroupIngress(scope, id, new CfnSecurityGroupIngressProps
        {
            GroupId = target.SecurityGroupId,
            SourceSecurityGroupId = client.SecurityGroupId,
            IpProtocol = "tcp",
            FromPort = port,
            ToPort = port,
            Description = Ec2Text.Description(description),
        });
    }

    public static DeploymentRefusedException UnknownPath(string resource, string path) =>
        new($"'{{{resource}.{path}}}' cannot be resolved on AWS: '{resource}' has no '{path}'.");
}
