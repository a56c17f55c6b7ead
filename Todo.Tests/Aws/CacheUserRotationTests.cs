using Todo.AppHost.LocalServices;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Aws;

/// <summary>
/// The function that rotates the cache users' passwords, which runs only on AWS, run here under Node.js against
/// in-memory Secrets Manager and ElastiCache (eng/aws-checks/rotate-elasticache-user.test.mjs): two rotations with
/// every step retried, the user holding the previous password beside the current one after each.
/// </summary>
[Trait("Category", "Aws")]
public sealed class CacheUserRotationTests
{
    [Fact]
    public async Task Two_rotations_keep_the_previous_password_valid_and_survive_retried_steps()
    {
        var directory = await NpmPackages.InstallAsync("aws-checks");
        var function = Path.Combine(Repository.Root, "Todo.Aws", "Functions", "rotate-elasticache-user.js");

        var (exitCode, output) = await ExternalCommand.RunAsync("node", ["rotate-elasticache-user.test.mjs", function], TimeSpan.FromMinutes(1), directory);

        Assert.True(exitCode == 0, output);
        Assert.Contains("\"rotations\":2", output);
    }
}
