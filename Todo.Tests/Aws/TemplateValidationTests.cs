using System.Text.Json.Nodes;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Aws;

/// <summary>
/// Every template of every documented switch combination against CloudFormation's resource schemas, offline: property
/// types, required properties, patterns, enums and lengths, as CloudFormation checks them when it creates a resource.
/// </summary>
[Collection(AwsCollection.Name)]
[Trait("Category", "Aws")]
[Trait("Category", "Slow")]
public sealed class TemplateValidationTests
{
    /// <summary>Findings that are right for this deployment, each with the reason a reviewer would accept.</summary>
    private static readonly Dictionary<string, string> s_acknowledged = new()
    {
        ["W3010"] = "Zones are named, never looked up: synthesis needs no AWS account, and fixed zones keep one address plan.",
        ["W3005"] = "A DependsOn that a Ref already implies, added by CDK's load-balanced Fargate pattern: redundant, not wrong.",
    };

    private static readonly Lazy<Task<Dictionary<string, ILookup<string, TemplateFinding>>>> s_findings = new(() =>
        AwsChecks.ValidateAsync(DocumentedDeployments.Contexts.Keys.ToDictionary(name => name, DocumentedDeployments.TemplateSet)));

    [Theory]
    [MemberData(nameof(DocumentedDeployments.Names), MemberType = typeof(DocumentedDeployments))]
    public async Task Every_template_passes_cloudformations_resource_schemas(string deployment)
    {
        var findings = (await s_findings.Value)[deployment].SelectMany(stack => stack.Select(finding => (Stack: stack.Key, Finding: finding)))
            .Where(found => !s_acknowledged.ContainsKey(found.Finding.Rule))
            .ToList();

        Assert.True(findings.Count == 0, string.Join(Environment.NewLine, findings.Select(found =>
            $"{found.Stack} {found.Finding.Resource} {found.Finding.Path}: {found.Finding.Rule} {found.Finding.Severity} {found.Finding.Message}")));
    }

    /// <summary>The check itself can fail: the description the cache's security group had once is refused, as EC2 refused it.</summary>
    [Fact]
    public async Task A_security_group_description_ec2_refuses_is_reported()
    {
        var cache = DocumentedDeployments.Get(DocumentedDeployments.Defaults).Json["todo-cache"].DeepClone().AsObject();
        var group = cache["Resources"]!.AsObject().Single(resource => resource.Value!["Type"]!.GetValue<string>() == "AWS::EC2::SecurityGroup");
        group.Value!["Properties"]!["GroupDescription"] = "ElastiCache 'todo-cache': reachable only from the services that use it";

        var findings = await AwsChecks.ValidateAsync(new Dictionary<string, TemplateSet>
        {
            ["broken"] = new("us-east-1", new Dictionary<string, JsonObject> { ["todo-cache"] = cache }),
        });

        var finding = Assert.Single(findings["broken"]["todo-cache"], finding => !s_acknowledged.ContainsKey(finding.Rule));
        Assert.Equal(group.Key, finding.Resource);
        Assert.Contains("GroupDescription", finding.Path);
    }
}
