using System.Globalization;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.SecretsManager;
using Constructs;
using Todo.Aws.Manifest;

namespace Todo.Aws.Stacks;

/// <summary>
/// What a manifest reference such as <c>{todos.connectionString}</c> becomes on AWS: text that may hold CloudFormation
/// tokens. A secret value holds only Secrets Manager dynamic references, never the secret itself. A value with
/// <see cref="Parts"/> is a connection string whose secret parts the task receives on their own, each straight from the
/// secret that rotation updates (<c>ConnectionStrings__todos__Password</c>, say), beside the text of the rest.
/// </summary>
public sealed record ResolvedValue(string Text, bool IsSecret, ISecret? WholeSecret = null)
{
    private static readonly IReadOnlyDictionary<string, SecretField> s_noParts = new Dictionary<string, SecretField>();

    /// <summary>Connection-string keywords whose values come from secrets, by keyword.</summary>
    public IReadOnlyDictionary<string, SecretField> Parts { get; init; } = s_noParts;

    /// <summary>For a database's connection string: who owns the schema, for the service's migration step only.</summary>
    public SchemaOwner? Owner { get; init; }

    public static ResolvedValue Plain(string text) => new(text, IsSecret: false);

    public static ResolvedValue Of(ISecret secret) => new(secret.SecretValue.UnsafeUnwrap(), IsSecret: true, secret);

    public static ResolvedValue WithParts(string text, IReadOnlyDictionary<string, SecretField> parts) => new(text, IsSecret: false) { Parts = parts };
}

/// <summary>
/// A database's owner credentials (connection-string keywords to secret fields, like <see cref="ResolvedValue.Parts"/>),
/// and the application role that the connection string's own credentials log in as, with the password it is created
/// with. <c>migrate</c> gets these; the service never does.
/// </summary>
public sealed record SchemaOwner(IReadOnlyDictionary<string, SecretField> Parts, string Role, SecretField RolePassword);

/// <summary>One field of a JSON secret, or the whole secret when <see cref="Field"/> is null.</summary>
public sealed record SecretField(ISecret Secret, string? Field = null);

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
