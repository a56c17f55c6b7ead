using Todo.Hosting.LocalServices;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Aws;

/// <summary>
/// Our functions of Todo.Aws/Functions, which run only on AWS, run here under Node.js against in-memory AWS clients
/// (eng/aws-checks/*.test.mjs): the cache users' rotation through two rotations with every step retried, the user
/// holding the previous password beside the current one after each; and the custom resource that closes the VPC's
/// default security group, through Create, Update, Delete and a refusal.
/// </summary>
[Trait("Category", "Aws")]
[Trait("Category", "Slow")]
public sealed class FunctionTests
{
    [Theory]
    [InlineData("rotate-elasticache-user", "\"rotations\":2")]
    [InlineData("close-default-security-group", "\"requests\":4")]
    public async Task The_function_does_its_work_against_in_memory_aws(string function, string summary)
    {
        var directory = await NpmPackages.InstallAsync("aws-checks");
        var source = Path.Combine(Repository.Root, "Todo.Aws", "Functions", $"{function}.js");

        var (exitCode, output) = await ExternalCommand.RunAsync("node", [$"{function}.test.mjs", source], TimeSpan.FromMinutes(1), directory);

        Assert.True(exitCode == 0, output);
        Assert.Contains(summary, output);
    }
}
