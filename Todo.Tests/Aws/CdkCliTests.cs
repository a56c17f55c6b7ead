using Todo.Tests.Infrastructure;
using Todo.AppHost.LocalServices;

namespace Todo.Tests.Aws;

/// <summary>The command users run, end to end: the pinned CDK CLI synthesizing the committed manifest offline.</summary>
[Collection(AwsCollection.Name)]
[Trait("Category", "Aws")]
public sealed class CdkCliTests
{
    [Fact]
    public async Task Cdk_synth_from_the_repository_root_writes_every_stack_without_aws_credentials_once_plain_http_is_accepted()
    {
        var output = Directory.CreateTempSubdirectory("todo-cdk-out-");
        try
        {
            var (exitCode, printed) = await ExternalCommand.RunAsync("npx",
                ["--yes", "aws-cdk@2.1148.1", "synth", "-c", "allowPlainHttp=true", "--output", output.FullName, "--no-notices", "--no-version-reporting", "--quiet"],
                TimeSpan.FromMinutes(8), Repository.Root, new Dictionary<string, string?>
                {
                    ["AWS_ACCESS_KEY_ID"] = null,
                    ["AWS_SECRET_ACCESS_KEY"] = null,
                    ["AWS_PROFILE"] = null,
                    ["AWS_EC2_METADATA_DISABLED"] = "true",
                    ["JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION"] = "1",
                    ["JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"] = "1",
                });

            Assert.True(exitCode == 0, printed);
            Assert.Equal(["todo-api", "todo-cache", "todo-identity", "todo-images", "todo-network", "todo-postgres"],
                output.GetFiles("*.template.json").Select(file => file.Name.Replace(".template.json", "")).Order());
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }
}
