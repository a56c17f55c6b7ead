using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.SecretsManager;
using Constructs;
using CfnUser = Amazon.CDK.AWS.ElastiCache.CfnUser;

namespace Todo.Aws.Stacks;

/// <summary>
/// Rotates the passwords of ElastiCache users every <c>secretRotationDays</c>: Secrets Manager has no rotation of its
/// own for ElastiCache, so a function of ours (Functions/rotate-elasticache-user.js) sets the new password beside the
/// current one on the user, then makes it current. It calls only AWS APIs, so it runs outside the VPC.
/// </summary>
public static class CacheUserRotation
{
    /// <summary>Rotates each user's secret, known by the name it was given (a secret's own name property is a token).</summary>
    public static void Add(Construct scope, IReadOnlyList<(Secret Secret, string Name, CfnUser User)> users, TodoAwsOptions options)
    {
        var logs = new LogGroup(scope, "RotationLogs", new LogGroupProps
        {
            Retention = LogRetention.Of(options),
            RemovalPolicy = RemovalPolicy.DESTROY,
        });
        var role = new Role(scope, "RotationRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("lambda.amazonaws.com"),
            Description = "Rotates the passwords of the cache's users.",
        });
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resources = [logs.LogGroupArn],
        }));
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["elasticache:DescribeUsers", "elasticache:ModifyUser"],
            Resources = [.. users.Select(user => user.User.AttrArn)],
        }));
        var function = new Function(scope, "RotationFunction", new FunctionProps
        {
            Description = "Rotates the password of an ElastiCache user kept in Secrets Manager.",
            Runtime = new Runtime("nodejs24.x", RuntimeFamily.NODEJS, new LambdaRuntimeProps { SupportsInlineCode = true }),
            Architecture = Architecture.ARM_64,
            Handler = "index.handler",
            Code = Code.FromInline(Source()),
            Timeout = Duration.Minutes(5),
            Role = role,
            LogGroup = logs,
            Environment = new Dictionary<string, string>
            {
                ["USERS"] = System.Text.Json.JsonSerializer.Serialize(users.ToDictionary(user => user.Name, user => user.User.UserId)),
            },
        });
        foreach (var (secret, _, _) in users)
        {
            secret.AddRotationSchedule("Rotation", new RotationScheduleOptions
            {
                RotationLambda = function,
                AutomaticallyAfter = Duration.Days(options.SecretRotationDays),
                RotateImmediatelyOnUpdate = false,
            });
        }
        NagSuppression.On(role.Node.FindChild("DefaultPolicy"), new NagSuppression("IAM5",
            "secretsmanager:GetRandomPassword takes no resource (Service Authorization Reference, AWS Secrets Manager); every other "
            + "action names the cache's two secrets, its two users or the function's own log group.", "Resource::*"));
    }

    private static string Source()
    {
        using var stream = typeof(CacheUserRotation).Assembly.GetManifestResourceStream("Todo.Aws.Functions.rotate-elasticache-user.js")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
