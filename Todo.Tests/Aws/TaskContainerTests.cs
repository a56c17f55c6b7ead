using System.Text.Json.Nodes;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Aws;

/// <summary>
/// The task's containers: a migration step that alone holds the database owner's credentials and runs to completion
/// first, then the API as the application role; both on a read-only root filesystem with a scratch <c>/tmp</c>.
/// </summary>
[Collection(AwsCollection.Name)]
[Trait("Category", "Aws")]
[Trait("Category", "Slow")]
public sealed class TaskContainerTests(DefaultDeployment defaults)
{
    [Fact]
    public void A_migration_container_with_the_owners_credentials_completes_before_the_api_starts_as_the_application_role()
    {
        var containers = defaults.Synthesis.Containers("todo-api");
        var migrate = containers["migrate"];
        var api = containers["todo-api"];

        Assert.Equal(["migrate"], migrate["Command"]!.AsArray().Select(argument => argument!.GetValue<string>()));
        Assert.False(migrate["Essential"]!.GetValue<bool>());
        Assert.Contains("""{"Condition":"SUCCESS","ContainerName":"migrate"}""", api["DependsOn"]!.ToJsonString());
        Assert.Equal("false", TemplateText.Environment(api)["Database__MigrateOnStartup"]);
        Assert.Equal("todo_app", TemplateText.Environment(migrate)["Database__ApplicationRole__Name"]);

        var ownerSecret = SecretsOf(migrate)["ConnectionStrings__todos__Password"];
        Assert.Contains("ClusterSecretAttachment", ownerSecret);
        Assert.Contains("ApplicationCredentials", SecretsOf(migrate)["Database__ApplicationRole__Password"]);
        Assert.Contains("ApplicationCredentials", SecretsOf(api)["ConnectionStrings__todos__Password"]);
        Assert.DoesNotContain(SecretsOf(api).Values, secret => secret.Contains("ClusterSecretAttachment", StringComparison.Ordinal));
        Assert.DoesNotContain(SecretsOf(migrate).Keys, key => key.StartsWith("ConnectionStrings__cache", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_container_runs_on_a_read_only_root_filesystem_with_a_scratch_tmp()
    {
        var definition = Assert.Single(defaults.Synthesis.Resources("todo-api", "AWS::ECS::TaskDefinition").Values)["Properties"]!;

        Assert.Equal("""[{"Name":"tmp"}]""", definition["Volumes"]!.ToJsonString());
        Assert.All(defaults.Synthesis.Containers("todo-api").Values, container =>
        {
            Assert.True(container["ReadonlyRootFilesystem"]!.GetValue<bool>());
            Assert.Equal("""[{"ContainerPath":"/tmp","ReadOnly":false,"SourceVolume":"tmp"}]""", container["MountPoints"]!.ToJsonString());
        });
    }

    private static Dictionary<string, string> SecretsOf(JsonNode container) => container["Secrets"]!.AsArray()
        .ToDictionary(secret => secret!["Name"]!.GetValue<string>(), secret => secret!["ValueFrom"]!.ToJsonString());
}
