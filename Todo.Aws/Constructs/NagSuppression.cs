using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Constructs;

namespace Todo.Aws.Constructs;

/// <summary>
/// A finding of cdk-nag's AwsSolutions rules that is right for this service, accepted in the resource's own
/// <c>cdk_nag</c> metadata with the reason, where a reviewer of the template reads it and cdk-nag honours it.
/// </summary>
/// <param name="Rule">The rule without its pack, <c>EC23</c> say.</param>
/// <param name="AppliesTo">The findings of a rule that reports several (IAM5's <c>Resource::*</c>); all when empty.</param>
public sealed record NagSuppression(string Rule, string Reason, params string[] AppliesTo)
{
    /// <summary>Adds the suppressions to the CloudFormation resource behind <paramref name="construct"/>.</summary>
    public static void On(IConstruct construct, params NagSuppression[] suppressions)
    {
        var resource = construct as CfnResource ?? (CfnResource)construct.Node.DefaultChild!;
        var existing = resource.GetMetadata("cdk_nag") is IDictionary<string, object> metadata
            && metadata.TryGetValue("rules_to_suppress", out var rules) ? (object[])rules : [];
        resource.AddMetadata("cdk_nag", new Dictionary<string, object>
        {
            ["rules_to_suppress"] = existing.Concat(suppressions.Select(suppression => suppression.AsMetadata())).ToArray(),
        });
    }

    /// <summary>
    /// IAM5 accepted on <paramref name="role"/>'s policy for statements on every resource (<c>Resource::*</c>) only,
    /// because <paramref name="reason"/>: actions that take no resource.
    /// </summary>
    public static void OnWildcardResources(IRole role, string reason) =>
        On(role.Node.FindChild("DefaultPolicy"), new NagSuppression("IAM5", reason, "Resource::*"));

    private object AsMetadata()
    {
        var rule = new Dictionary<string, object> { ["id"] = $"AwsSolutions-{Rule}", ["reason"] = Reason };
        if (AppliesTo.Length > 0)
        {
            rule["applies_to"] = AppliesTo;
        }
        return rule;
    }
}
