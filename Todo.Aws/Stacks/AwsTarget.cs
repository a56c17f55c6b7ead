using System.Globalization;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.SecretsManager;
using Constructs;
using Todo.Aws.Manifest;

namespace Todo.Aws.Stacks;

/// <summary>
/// What a manifest reference such as <c>{todos.connectionString}</c> becomes on AWS: text that may hold CloudFormation
/// tokens. A secret value holds only Secrets Manager dynamic references, never the secret itself.
/// </summary>
public sealed record ResolvedValue(string Text, bool IsSecret, ISecret? WholeSecret = null)
{
    public static ResolvedValue Plain(string text) => new(text, IsSecret: false);

    public static ResolvedValue Of(ISecret secret) => new(secret.SecretValue.UnsafeUnwrap(), IsSecret: true, secret);
}

/// <summary>A manifest resource deployed on AWS, as the resources that reference it see it.</summary>
public interface IAwsTarget
{
    /// <summary>Resolves <c>{name.path}</c>, e.g. <c>connectionString</c> or <c>bindings.tcp.host</c>.</summary>
    ResolvedValue Resolve(string path);

    /// <summary>
    /// Lets the security group <paramref name="client"/> of <paramref name="clientName"/> reach this resource on the
    /// ports it serves. The rules are created in <paramref name="clientScope"/>, the client's stack, which already
    /// depends on this resource's stack: created here they would make the dependency circular.
    /// </summary>
    void AllowFrom(ISecurityGroup client, Construct clientScope, string clientName);
}

public static class AwsTargets
{
    /// <summary>One ingress rule per target group and port, however many references lead to it.</summary>
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
            Description = description,
        });
    }

    public static ManifestMappingException UnknownPath(string resource, string path) =>
        new($"'{{{resource}.{path}}}' cannot be resolved on AWS: '{resource}' has no '{path}'.");
}
