using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Aws;

/// <summary>
/// Every string of every template, with <c>Fn::Join</c> pieces put together: no password and no connection string
/// with a password in it, only Secrets Manager dynamic references where a secret goes.
/// </summary>
[Collection(AwsCollection.Name)]
[Trait("Category", "Aws")]
[Trait("Category", "Slow")]
public sealed partial class SecretScanTests(DefaultDeployment defaults, SwitchedDeployment switched)
{
    private static readonly string[] s_secretProperties = ["MasterUserPassword", "Password", "Passwords", "AuthToken", "SecretString"];

    public static TheoryData<string> Deployments => ["defaults", "switched"];

    [Theory]
    [MemberData(nameof(Deployments))]
    public void No_template_holds_a_password_or_a_connection_string_with_one(string deployment)
    {
        var synthesis = deployment == "defaults" ? defaults.Synthesis : switched.Synthesis;
        var findings = new List<string>();

        foreach (var (stack, template) in synthesis.Json)
        {
            foreach (var (path, text) in Strings(template, stack))
            {
                if (PasswordAssignment().IsMatch(text))
                {
                    findings.Add($"{path}: a password that is not a dynamic reference: {text}");
                }
                var property = path.Split('/').Reverse().FirstOrDefault(segment => !int.TryParse(segment, out _));
                if (s_secretProperties.Contains(property) && !text.Contains("{{resolve:secretsmanager:", StringComparison.Ordinal))
                {
                    findings.Add($"{path}: {property} is not a dynamic reference: {text}");
                }
            }
            Assert.True(template["Parameters"] is null || template["Parameters"]!.AsObject().All(parameter => parameter.Key == "BootstrapVersion"));
        }

        Assert.Empty(findings);
        Assert.Contains(synthesis.Json.Values.SelectMany(template => Strings(template, "")), text => text.Text.StartsWith("{{resolve:secretsmanager:", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Task_environments_carry_no_secret_and_secrets_come_from_secrets_manager(string deployment)
    {
        var synthesis = deployment == "defaults" ? defaults.Synthesis : switched.Synthesis;
        var containers = synthesis.Json.Keys
            .SelectMany(stack => synthesis.Resources(stack, "AWS::ECS::TaskDefinition").Values)
            .SelectMany(definition => definition["Properties"]!["ContainerDefinitions"]!.AsArray())
            .ToList();

        Assert.NotEmpty(containers);
        foreach (var container in containers)
        {
            foreach (var variable in container!["Environment"]?.AsArray() ?? [])
            {
                var name = variable!["Name"]!.GetValue<string>();
                Assert.DoesNotMatch("(?i)password|secret|token", name);
                Assert.DoesNotMatch("(?i)password|username|user id|uid=", variable["Value"]!.ToJsonString());
            }
            Assert.All(container["Secrets"]?.AsArray() ?? [], secret => Assert.DoesNotContain("{{resolve", secret!["ValueFrom"]!.ToJsonString()));
        }
    }

    /// <summary>Every string value, with the pieces of each <c>Fn::Join</c> joined (other functions become <c>&lt;ref&gt;</c>).</summary>
    private static IEnumerable<(string Path, string Text)> Strings(JsonNode? node, string path) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => [(path, text)],
        JsonObject join when join.Count == 1 && join["Fn::Join"] is JsonArray { Count: 2 } parts =>
            [(path, TemplateText.Of(join, _ => "<ref>"))],
        JsonObject obj => obj.SelectMany(property => Strings(property.Value, $"{path}/{property.Key}")),
        JsonArray array => array.SelectMany((item, index) => Strings(item, $"{path}/{index}")),
        _ => [],
    };

    [GeneratedRegex(@"(?i)password\s*=\s*(?!\{\{resolve:secretsmanager:)[^;,\s""]")]
    private static partial Regex PasswordAssignment();
}
