using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.IAM;
using Constructs;

namespace Todo.Aws.Constructs;

/// <summary>
/// Removes every rule of the VPC's default security group (Functions/close-default-security-group.js, as a custom
/// resource): EC2 creates it open to its own members and to everything outward, and nothing here uses it. CDK 2.160's
/// own switch for this runs its function on nodejs20.x (nodejs18.x in some regions), which Lambda has deprecated.
/// </summary>
public static class DefaultSecurityGroupClosure
{
    public static void Add(Construct scope, Vpc vpc, TodoAwsOptions options)
    {
        var function = InlineFunction.Create(scope, "CloseDefaultSecurityGroup", "close-default-security-group.js",
            "Removes every rule of the VPC's default security group.", options);
        function.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress"],
            Resources = [$"arn:{Amazon.CDK.Aws.PARTITION}:ec2:{Amazon.CDK.Aws.REGION}:{Amazon.CDK.Aws.ACCOUNT_ID}:security-group/{vpc.VpcDefaultSecurityGroup}"],
        }));
        function.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["ec2:DescribeSecurityGroups"],
            Resources = ["*"],
        }));
        NagSuppression.OnWildcardResources(function.Role!,
            "ec2:DescribeSecurityGroups takes no resource (Service Authorization Reference, Amazon EC2); the rules are revoked "
            + "only on this VPC's default security group.");
        _ = new CustomResource(scope, "DefaultSecurityGroupClosed", new CustomResourceProps
        {
            ServiceToken = function.FunctionArn,
            ResourceType = "Custom::ClosedDefaultSecurityGroup",
            Properties = new Dictionary<string, object> { ["GroupId"] = vpc.VpcDefaultSecurityGroup },
        });
    }
}
