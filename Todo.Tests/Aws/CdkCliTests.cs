using Todo.Hosting.LocalServices;
using Todo.Aws;
using Todo.Aws.Manifest;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Aws;

/// <summary>The command users run, end to end: the pinned CDK CLI synthesizing the committed manifest offline.</summary>
[Collection(AwsCollection.Name)]
[Trait("Category", "Aws")]
[Trait("Category", "Slow")]
public sealed class CdkCliTests
{
    private static readonly string s_app = Path.Combine(Repository.Root, "Todo.Aws", "bin", Repository.BuildConfiguration, Repository.TargetFramework, "Todo.Aws.dll");

    /// <summary>Each kind of refusal is a <see cref="DeploymentRefusedException"/> whose message is one line naming what to change.</summary>
    [Theory]
    [InlineData("certificateArn", "", "allowPlainHttp=true")]
    [InlineData("certificateArn", "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000", "domainName")]
    [InlineData("cpu", "300", "Fargate has no task")]
    [InlineData("cacheMode", "clustered", "cacheMode must be one of")]
    [InlineData("availabilityZones", "us-east-1a", "at least two different zones")]
    [InlineData("manifest", "Todo.Aws/Program.cs", "is not an Aspire manifest")]
    [InlineData("manifest", "no-such-manifest.json", "is not an Aspire manifest")]
    [InlineData("signInCallbackUrls", "http://example.com/callback", "signInCallbackUrls")]
    public void A_refusal_is_one_line_naming_what_to_change(string key, string value, string reason)
    {
        var context = ContextWith(key, value);
        var refused = Assert.Throws<DeploymentRefusedException>(() =>
        {
            var options = TodoAwsOptions.FromContext(new Amazon.CDK.App(new Amazon.CDK.AppProps { Context = context }).Node);
            var manifest = AspireManifest.Load(Path.Combine(Repository.Root, options.ManifestPath));
            AwsSynthesis.Of(manifest, context);
        });

        Assert.DoesNotContain('\n', refused.Message);
        Assert.Contains(reason, refused.Message);
    }

    /// <summary>
    /// The app says a refusal in one line and exits 1, never with a stack trace: run as the CDK CLI runs it, its context
    /// in <c>CDK_CONTEXT_JSON</c> and its output directory in <c>CDK_OUTDIR</c> (the CDK's cloud assembly protocol), with
    /// cdk.json's context and the switch given; a refused switch and an unreadable manifest.
    /// </summary>
    [Theory]
    [InlineData("certificateArn", "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000", "domainName")]
    [InlineData("manifest", "no-such-manifest.json", "is not an Aspire manifest")]
    public async Task A_refused_synthesis_says_why_in_one_line_and_exits_1(string key, string value, string reason)
    {
        var context = ContextWith(key, value);
        var output = Directory.CreateTempSubdirectory("todo-cdk-out-");
        try
        {
            var (exitCode, printed) = await ExternalCommand.RunAsync("dotnet", [s_app], TimeSpan.FromMinutes(2), Repository.Root, new Dictionary<string, string?>
            {
                ["CDK_CONTEXT_JSON"] = System.Text.Json.JsonSerializer.Serialize(context),
                ["CDK_OUTDIR"] = output.FullName,
                ["JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION"] = "1",
                ["JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"] = "1",
            });

            Assert.Equal(1, exitCode);
            // Less the frame of !! lines jsii prints on a Node.js past its end of life, which is jsii's own warning.
            var line = Assert.Single(printed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                line => !line.StartsWith("!!", StringComparison.Ordinal));
            Assert.StartsWith("Not synthesized: ", line);
            Assert.Contains(reason, line);
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    /// <summary>cdk.json's context with <paramref name="key"/> set to <paramref name="value"/>, or left out when it is empty.</summary>
    private static Dictionary<string, object> ContextWith(string key, string value)
    {
        var context = TodoAwsOptions.CdkJsonContext(Path.Combine(Repository.Root, "cdk.json"))
            .Where(entry => entry.Value is not null).ToDictionary(entry => entry.Key, entry => entry.Value!);
        if (value.Length > 0)
        {
            context[key] = value;
        }
        else
        {
            context.Remove(key);
        }
        return context;
    }

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
