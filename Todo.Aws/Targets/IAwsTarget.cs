using Amazon.CDK.AWS.EC2;
using Constructs;

namespace Todo.Aws.Targets;

/// <summary>A manifest resource deployed on AWS, as the resources that reference it see it.</summary>
public interface IAwsTarget
{
    /// <summary>Resolves <c>{name.path}</c>, e.g. <c>connectionString</c> or <c>bindings.tcp.host</c>.</summary>
    ResolvedValue Resolve(string path);

    /// <summary>
    /// Lets the security group <paramref name="client"/> of <paramref name="clientName"/> reach this resource on the
    /// ports it serves. The rules are created in <paramref name="clientScope"/>, the client's stack, which already
    /// depends on this resource's stack: created here they would make the dependency circular.
    /// Nothing by default: a target that is only a value has no network to open.
    /// </summary>
    void AllowFrom(ISecurityGroup client, Construct clientScope, string clientName)
    {
    }

    /// <summary>What the services that use this resource show among their alarms. None by default.</summary>
    IEnumerable<Amazon.CDK.AWS.CloudWatch.IAlarm> Alarms => [];
}
