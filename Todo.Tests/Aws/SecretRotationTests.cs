using System.Text.Json.Nodes;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Aws;

/// <summary>
/// Every secret rotates, each the way its service allows without an outage, and the tasks that read one are replaced
/// once it has a new current version.
/// </summary>
[Collection(AwsCollection.Name)]
[Trait("Category", "Aws")]
[Trait("Category", "Slow")]
public sealed class SecretRotationTests(DefaultDeployment defaults)
{
    [Theory]
    [MemberData(nameof(DocumentedDeployments.Names), MemberType = typeof(DocumentedDeployments))]
    public void Every_secret_of_every_stack_has_a_rotation_schedule(string deployment)
    {
        var synthesis = DocumentedDeployments.Get(deployment);
        var expectedDays = DocumentedDeployments.Contexts[deployment].TryGetValue("secretRotationDays", out var days) ? (string)days : "30";

        foreach (var stack in synthesis.Json.Keys)
        {
            var schedules = synthesis.Resources(stack, "AWS::SecretsManager::RotationSchedule").Values.Select(schedule => schedule["Properties"]!).ToList();
            var secrets = synthesis.Resources(stack, "AWS::SecretsManager::Secret").Keys;
            var attachments = synthesis.Resources(stack, "AWS::SecretsManager::SecretTargetAttachment")
                .ToDictionary(attachment => attachment.Key, attachment => attachment.Value["Properties"]!["SecretId"]!["Ref"]!.GetValue<string>());

            Assert.All(secrets, secret => Assert.Contains(schedules, schedule => RotatedSecret(schedule, attachments) == secret));
            Assert.All(schedules, schedule =>
                Assert.Equal($"rate({expectedDays} days)", schedule["RotationRules"]!["ScheduleExpression"]!.GetValue<string>()));
        }
    }

    /// <summary>
    /// A template with hosted rotation functions must declare the AWS::SecretsManager transform, as one of two literal
    /// strings; the functions the 2020-07-23 one builds run on python3.9, which Lambda no longer creates, and the
    /// 2024-09-16 one builds them on a supported runtime unless HostedRotationLambda's Runtime overrides it (CloudFormation
    /// Template Reference, "AWS::SecretsManager transform",
    /// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-aws-secretsmanager.html).
    /// </summary>
    [Theory]
    [MemberData(nameof(DocumentedDeployments.Names), MemberType = typeof(DocumentedDeployments))]
    public void Hosted_rotation_is_built_by_the_2024_transform_on_its_own_runtime(string deployment)
    {
        var synthesis = DocumentedDeployments.Get(deployment);

        foreach (var (stack, template) in synthesis.Json)
        {
            var hosted = synthesis.Resources(stack, "AWS::SecretsManager::RotationSchedule").Values
                .Select(schedule => schedule["Properties"]!["HostedRotationLambda"]).OfType<JsonNode>().ToList();
            var transforms = template["Transform"] switch
            {
                null => [],
                JsonArray many => many.Select(transform => transform!.GetValue<string>()).ToList(),
                var one => [one.GetValue<string>()],
            };
            var secretsManager = transforms.Where(transform => transform.StartsWith("AWS::SecretsManager", StringComparison.Ordinal)).ToList();

            Assert.Equal(hosted.Count > 0 ? ["AWS::SecretsManager-2024-09-16"] : [], secretsManager);
            Assert.All(hosted, rotation => Assert.Null(rotation["Runtime"]));
        }
        Assert.Equal(2, synthesis.Resources("todo-postgres", "AWS::SecretsManager::RotationSchedule").Count);
    }

    [Fact]
    public void The_database_rotates_its_master_in_place_and_the_application_role_by_alternating_users()
    {
        var schedules = defaults.Synthesis.Resources("todo-postgres", "AWS::SecretsManager::RotationSchedule").Values
            .Select(schedule => schedule["Properties"]!["HostedRotationLambda"]!).ToList();
        var application = Assert.Single(defaults.Synthesis.Resources("todo-postgres", "AWS::SecretsManager::Secret").Values,
            secret => secret["Properties"]!["Name"]!.GetValue<string>() == "todo/postgres/application-credentials")["Properties"]!;

        Assert.Equal(["PostgreSQLMultiUser", "PostgreSQLSingleUser"], schedules.Select(rotation => rotation["RotationType"]!.GetValue<string>()).Order());
        Assert.NotNull(Assert.Single(schedules, rotation => rotation["RotationType"]!.GetValue<string>() == "PostgreSQLMultiUser")["MasterSecretArn"]);
        var template = TemplateText.Of(application["GenerateSecretString"]!["SecretStringTemplate"], _ => "");
        Assert.StartsWith("{\"username\":\"todo_app\",\"masterarn\":\"", template);
        Assert.All(schedules, rotation => Assert.Contains("privateSubnet", rotation["VpcSubnetIds"]!.ToJsonString()));
    }

    [Fact]
    public void The_cache_rotates_both_users_with_a_function_that_knows_which_user_each_secret_is()
    {
        var function = Assert.Single(defaults.Synthesis.Resources("todo-cache", "AWS::Lambda::Function").Values)["Properties"]!;
        var users = JsonNode.Parse(function["Environment"]!["Variables"]!["USERS"]!.GetValue<string>())!.AsObject();

        Assert.Equal("nodejs24.x", function["Runtime"]!.GetValue<string>());
        Assert.Equal(new Dictionary<string, string>
        {
            ["todo/cache/password"] = "todo-cache-app",
            ["todo/cache/default-user-password"] = "todo-cache-default",
        }, users.ToDictionary(user => user.Key, user => user.Value!.GetValue<string>()));
        Assert.Equal(2, defaults.Synthesis.Resources("todo-cache", "AWS::SecretsManager::RotationSchedule").Count);
        Assert.All(defaults.Synthesis.Resources("todo-cache", "AWS::SecretsManager::RotationSchedule").Values,
            schedule => Assert.False(schedule["Properties"]!["RotateImmediatelyOnUpdate"]!.GetValue<bool>()));
    }

    [Fact]
    public void A_new_current_version_of_a_secret_the_api_reads_replaces_its_tasks()
    {
        var rule = Assert.Single(defaults.Synthesis.Resources("todo-api", "AWS::Events::Rule").Values)["Properties"]!;
        var pattern = rule["EventPattern"]!;
        var (machineId, machineResource) = Assert.Single(defaults.Synthesis.Resources("todo-api", "AWS::StepFunctions::StateMachine"));
        var machine = machineResource["Properties"]!;
        var readByApi = defaults.Synthesis.Containers("todo-api")["todo-api"]["Secrets"]!.AsArray()
            .Select(secret => SecretOf(secret!["ValueFrom"]!)).Distinct().Order().ToList();

        Assert.Equal("Secret Label Updated", Assert.Single(pattern["detail-type"]!.AsArray())!.GetValue<string>());
        Assert.Equal("AWSCURRENT", Assert.Single(pattern["detail"]!["labelUpdated"]!.AsArray())!.GetValue<string>());
        Assert.Equal(readByApi, pattern["resources"]!.AsArray().Select(secret => secret!.ToJsonString()).Order());
        Assert.DoesNotContain(readByApi, secret => secret.Contains("ClusterSecretAttachment", StringComparison.Ordinal));
        var definition = TemplateText.Of(machine["DefinitionString"], _ => "");
        Assert.Contains(":states:::aws-sdk:ecs:updateService", definition);
        Assert.Contains("\"ForceNewDeployment\":true", definition);
        Assert.Equal(machineId, rule["Targets"]![0]!["Arn"]!["Ref"]!.GetValue<string>());
    }

    /// <summary>A secret an ECS secret reads, with the field it names (<c>…:password::</c>) cut off.</summary>
    private static string SecretOf(JsonNode valueFrom) => valueFrom is JsonObject join && join["Fn::Join"] is { } parts
        ? parts[1]![0]!.ToJsonString()
        : valueFrom.ToJsonString();

    private static string? RotatedSecret(JsonNode schedule, Dictionary<string, string> attachments)
    {
        var reference = schedule["SecretId"]!["Ref"]!.GetValue<string>();
        return attachments.GetValueOrDefault(reference, reference);
    }
}
