using Amazon.CDK.AWS.ElasticLoadBalancingV2;
using Amazon.CDK.AWS.WAFv2;
using Constructs;

namespace Todo.Aws.Constructs;

/// <summary>
/// An AWS WAF web ACL in front of a load balancer: AWS's managed rule groups for common exploits, known bad inputs and
/// addresses of Amazon's threat intelligence, and a limit on the requests one address sends in five minutes. Every
/// rule counts into CloudWatch metrics and keeps sampled requests.
/// </summary>
public static class WebAcl
{
    private static readonly string[] s_managedRuleGroups =
    [
        "AWSManagedRulesAmazonIpReputationList",
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
    ];

    public static CfnWebACL Protect(Construct scope, IApplicationLoadBalancer loadBalancer, TodoAwsOptions options)
    {
        var rules = s_managedRuleGroups.Select((group, index) => new CfnWebACL.RuleProperty
        {
            Name = group,
            Priority = index + 1,
            Statement = new CfnWebACL.StatementProperty
            {
                ManagedRuleGroupStatement = new CfnWebACL.ManagedRuleGroupStatementProperty { VendorName = "AWS", Name = group },
            },
            OverrideAction = new CfnWebACL.OverrideActionProperty { None = new Dictionary<string, object>() },
            VisibilityConfig = Visibility(group),
        }).Append(new CfnWebACL.RuleProperty
        {
            Name = "RateLimitPerAddress",
            Priority = 0,
            Statement = new CfnWebACL.StatementProperty
            {
                RateBasedStatement = new CfnWebACL.RateBasedStatementProperty
                {
                    Limit = options.WebAclRateLimit,
                    AggregateKeyType = "IP",
                    EvaluationWindowSec = 300,
                },
            },
            Action = new CfnWebACL.RuleActionProperty { Block = new CfnWebACL.BlockActionProperty() },
            VisibilityConfig = Visibility("RateLimitPerAddress"),
        });
        var acl = new CfnWebACL(scope, "WebAcl", new CfnWebACLProps
        {
            Scope = "REGIONAL",
            DefaultAction = new CfnWebACL.DefaultActionProperty { Allow = new CfnWebACL.AllowActionProperty() },
            Rules = rules.ToArray<object>(),
            VisibilityConfig = Visibility($"{options.AppName}-web-acl"),
        });
        _ = new CfnWebACLAssociation(scope, "WebAclAssociation", new CfnWebACLAssociationProps
        {
            ResourceArn = loadBalancer.LoadBalancerArn,
            WebAclArn = acl.AttrArn,
        });
        return acl;
    }

    private static CfnWebACL.VisibilityConfigProperty Visibility(string metricName) => new()
    {
        CloudWatchMetricsEnabled = true,
        MetricName = metricName,
        SampledRequestsEnabled = true,
    };
}
