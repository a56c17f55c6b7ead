using System.Text.Json;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.AppHost;

/// <summary>
/// The tests run the AppHost's code inside their own process, with the API's packages; the AppHost on its own resolves
/// its own. Where both parse the same connection strings, they must do it with the same library, or the AppHost can
/// fail on a setting the tests never see it fail on (Npgsql 8 knows no <c>Require Auth</c>).
/// </summary>
[Trait("Category", "AppHost")]
public sealed class DependencyAlignmentTests
{
    [Theory]
    [InlineData("Npgsql")]
    [InlineData("StackExchange.Redis")]
    public void The_apphost_runs_the_client_library_the_api_runs(string package)
    {
        Assert.Equal(VersionIn("Todo.Api", package), VersionIn("Todo.AppHost", package));
    }

    private static string VersionIn(string project, string package)
    {
        var depsFile = Path.Combine(Repository.Root, project, "bin", Repository.BuildConfiguration, Repository.TargetFramework, $"{project}.deps.json");
        using var deps = JsonDocument.Parse(File.ReadAllText(depsFile));
        var libraries = deps.RootElement.GetProperty("libraries").EnumerateObject().Select(library => library.Name);
        return libraries.Single(name => name.StartsWith($"{package}/", StringComparison.Ordinal))[(package.Length + 1)..];
    }
}
