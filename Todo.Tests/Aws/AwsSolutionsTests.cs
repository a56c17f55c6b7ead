using System.Text.Json.Nodes;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Aws;

/// <summary>
/// cdk-nag's AwsSolutions rule pack over every template of every documented switch combination: no finding stands
/// unless the resource's <c>cdk_nag</c> metadata suppresses it with a reason, and no rule fails to run.
/// </summary>
[Collection(AwsCollection.Name)]
[Trait("Category", "Aws")]
[Trait("Category", "Slow")]
public sealed class AwsSolutionsTests
{
    private static readonly Lazy<Task<Dictionary<string, ILookup<string, NagFinding>>>> s_findings = new(() =>
        AwsChecks.NagAsync(DocumentedDeployments.Contexts.Keys.ToDictionary(name => name, DocumentedDeployments.TemplateSet)));

    [Theory]
    [MemberData(nameof(DocumentedDeployments.Names), MemberType = typeof(DocumentedDeployments))]
    public async Task No_finding_stands_without_a_reason_in_the_template(string deployment)
    {
        var unjustified = (await s_findings.Value)[deployment]
            .SelectMany(stack => stack.Select(finding => (Stack: stack.Key, Finding: finding)))
            .Where(found => !found.Finding.Suppressed)
            .ToList();

        Assert.True(unjustified.Count == 0, string.Join(Environment.NewLine, unjustified.Select(found =>
            $"{found.Stack} {found.Finding.Resource}: {found.Finding.Rule} {found.Finding.Level} {found.Finding.Finding} {found.Finding.Info} {found.Finding.Reason}")));
    }

    [Theory]
    [MemberData(nameof(DocumentedDeployments.Names), MemberType = typeof(DocumentedDeployments))]
    public async Task Every_suppression_says_why_it_is_right_for_this_service(string deployment)
    {
        var suppressed = (await s_findings.Value)[deployment].SelectMany(stack => stack).Where(finding => finding.Suppressed).ToList();

        Assert.All(suppressed, finding => Assert.True(finding.Reason is { Length: >= 40 } reason && !reason.Contains("TODO", StringComparison.OrdinalIgnoreCase),
            $"{finding.Resource} {finding.Rule}: '{finding.Reason}'"));
    }

    /// <summary>The check can fail: without its metadata, the load balancer's security group is reported for 0.0.0.0/0 again.</summary>
    [Fact]
    public async Task A_suppression_taken_out_of_the_template_is_reported()
    {
        var api = DocumentedDeployments.Get(DocumentedDeployments.Defaults).Json["todo-api"].DeepClone().AsObject();
        foreach (var (_, resource) in api["Resources"]!.AsObject())
        {
            resource!.AsObject().Remove("Metadata");
        }

        var findings = await AwsChecks.NagAsync(new Dictionary<string, TemplateSet>
        {
            ["stripped"] = new("us-east-1", new Dictionary<string, JsonObject> { ["todo-api"] = api }),
        });

        Assert.Contains(findings["stripped"]["todo-api"], finding => finding.Rule == "AwsSolutions-EC23" && !finding.Suppressed);
    }
}
