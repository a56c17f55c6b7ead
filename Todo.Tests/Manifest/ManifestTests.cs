using Todo.Tests.Infrastructure;
using Todo.Hosting.LocalServices;

namespace Todo.Tests.Manifest;

[Trait("Category", "Manifest")]
public sealed class ManifestTests
{
    [Fact]
    public async Task The_committed_manifest_is_what_the_apphost_publishes_now()
    {
        var committed = Path.Combine(Repository.Root, "aspire-manifest.json");
        // Beside the committed file, so the project paths in it come out relative to the same directory.
        var regenerated = Path.Combine(Repository.Root, $"aspire-manifest.{Guid.NewGuid():N}.json");
        try
        {
            var (exitCode, output) = await ExternalCommand.RunAsync("dotnet",
                ["run", "--project", "Todo.AppHost", "--no-build", "--configuration", Repository.BuildConfiguration, "--no-launch-profile",
                    "--", "--publisher", "manifest", "--output-path", regenerated],
                TimeSpan.FromMinutes(5), Repository.Root);
            Assert.True(exitCode == 0, output);

            var (_, difference) = await ExternalCommand.RunAsync("git",
                ["diff", "--no-index", "--no-color", "--ignore-space-at-eol", committed, regenerated], TimeSpan.FromMinutes(1), Repository.Root);
            Assert.True(difference.Length == 0,
                "aspire-manifest.json is stale; regenerate it with `dotnet run --project Todo.AppHost -- --publisher manifest " +
                "--output-path ../aspire-manifest.json` and commit it. The difference:\n" + difference);
        }
        finally
        {
            File.Delete(regenerated);
        }
    }
}
