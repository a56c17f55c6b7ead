using System.Text.Json;
using Todo.Aws.Images;
using Todo.Tests.Infrastructure;
using Todo.Hosting.LocalServices;

namespace Todo.Tests.Aws;

[Trait("Category", "Aws")]
[Trait("Category", "Slow")]
public sealed class ImageTests : IDisposable
{
    private readonly DirectoryInfo _repository = Directory.CreateTempSubdirectory("todo-image-tag-");

    public void Dispose() => _repository.Delete(recursive: true);

    [Fact]
    public void The_tag_changes_with_the_project_and_what_it_references_and_with_nothing_else()
    {
        Write("Directory.Packages.props", "<Project />");
        Write("App/App.csproj", """<Project><ItemGroup><ProjectReference Include="..\Lib\Lib.csproj" /></ItemGroup></Project>""");
        Write("App/Program.cs", "Console.WriteLine(1);");
        Write("Lib/Lib.csproj", "<Project />");
        Write("Lib/Code.cs", "class A;");
        Write("Other/Other.cs", "class B;");
        var project = Path.Combine(_repository.FullName, "App", "App.csproj");
        var original = ImageTag.ForProject(_repository.FullName, project);

        Write("Other/Other.cs", "class C;");
        Write("App/bin/Debug/App.dll", "binary");
        Write("App/obj/project.assets.json", "{}");
        var unrelatedChanges = ImageTag.ForProject(_repository.FullName, project);
        Write("Lib/Code.cs", "class A2;");
        var libraryChanged = ImageTag.ForProject(_repository.FullName, project);
        Write("Directory.Packages.props", "<Project><!-- new versions --></Project>");
        var versionsChanged = ImageTag.ForProject(_repository.FullName, project);

        Assert.Matches("^sha-[0-9a-f]{20}-arm64$", original);
        Assert.Equal(original, unrelatedChanges);
        Assert.NotEqual(original, libraryChanged);
        Assert.NotEqual(libraryChanged, versionsChanged);
    }

    [Fact]
    public async Task The_api_image_is_built_by_the_sdk_from_a_small_microsoft_base_image_and_runs_as_non_root()
    {
        var (exitCode, output) = await ExternalCommand.RunAsync("dotnet",
            ["msbuild", "Todo.Api/Todo.Api.csproj", "-t:ComputeContainerConfig",
                "-getProperty:ContainerBaseImage", "-getProperty:ContainerUser", "-getProperty:ContainerRepository"],
            TimeSpan.FromMinutes(3), Repository.Root);

        Assert.Equal(0, exitCode);
        var properties = JsonDocument.Parse(output).RootElement.GetProperty("Properties");
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/aspnet:10\.0-[a-z]+-chiseled$", properties.GetProperty("ContainerBaseImage").GetString());
        Assert.Equal("app", properties.GetProperty("ContainerUser").GetString());
        Assert.Equal("todo/todo-api", properties.GetProperty("ContainerRepository").GetString());
    }

    private void Write(string relativePath, string content)
    {
        var path = Path.Combine(_repository.FullName, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
