using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.SecretsManager;
using Constructs;
using CfnUser = Amazon.CDK.AWS.ElastiCache.CfnUser;

namespace Todo.Aws.Constructs;

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
        var function = InlineFunction.Create(scope, "RotationFunction", "rotate-elasticache-user.js",
            "Rotates the password of an ElastiCache user kept in Secrets Manager.", options, new Dictionary<string, string>
            {
                ["USERS"] = System.Text.Json.JsonSerializer.Serialize(users.ToDictionary(user => user.Name, user => user.User.UserId)),
            });
        function.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["elasticache:DescribeUsers", "elasticache:ModifyUser"],
            Resources = [.. users.Select(user => user.User.AttrArn)],
        }));
        foreach (var (secret, _, _) in users)
        {
            secret.AddRotationSchedule("Rotation", new RotationScheduleOptions
            {
                RotationLambda = function,
                AutomaticallyAfter = Duration.Days(options.SecretRotationDays),
                RotateImmediatelyOnUpdate = false,
            });
        }
        NagSuppression.OnWildcardResources(function.Role!,
            "secretsmanager:GetRandomPassword takes no resource (Service Authorization Reference, AWS Secrets Manager); every other "
            + "action names the cache's two secrets, its two users or the function's own log group.");
    }
}
