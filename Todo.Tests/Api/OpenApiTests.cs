using System.Net.Http.Json;
using System.Text.Json;
using Todo.Hosting.LocalServices;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

[Collection(TodoSystemCollection.Name)]
[Trait("Category", "Slow")]
public sealed class OpenApiTests(TodoSystem system)
{
    [Fact]
    public async Task The_openapi_document_describes_every_todo_route_and_its_errors()
    {
        var document = await system.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        var collection = paths.GetProperty("/todos");
        var item = paths.GetProperty("/todos/{todoId}");
        Assert.True(collection.TryGetProperty("get", out _));
        Assert.True(collection.TryGetProperty("post", out var post));
        Assert.True(item.TryGetProperty("get", out var get));
        Assert.True(item.TryGetProperty("put", out var put));
        Assert.True(item.TryGetProperty("patch", out var patch));
        Assert.True(item.TryGetProperty("delete", out _));
        Assert.True(post.GetProperty("responses").TryGetProperty("201", out _));
        Assert.True(post.GetProperty("responses").TryGetProperty("400", out _));
        Assert.True(get.GetProperty("responses").TryGetProperty("404", out _));
        Assert.True(put.GetProperty("responses").TryGetProperty("412", out _));
        Assert.True(patch.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/merge-patch+json", out _));
    }

    [Fact]
    public async Task Every_todo_operation_requires_the_bearer_scheme_and_documents_401_and_403()
    {
        var document = await system.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal(("http", "bearer", "JWT"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString(), scheme.GetProperty("bearerFormat").GetString()));
        var operations = document.GetProperty("paths").EnumerateObject()
            .Where(path => path.Name.StartsWith("/todos", StringComparison.Ordinal))
            .SelectMany(path => path.Value.EnumerateObject()).ToList();
        Assert.Equal(6, operations.Count);
        Assert.All(operations, operation =>
        {
            Assert.True(Assert.Single(operation.Value.GetProperty("security").EnumerateArray()).TryGetProperty("Bearer", out _), operation.Name);
            Assert.True(operation.Value.GetProperty("responses").TryGetProperty("401", out _), operation.Name);
            Assert.True(operation.Value.GetProperty("responses").TryGetProperty("403", out _), operation.Name);
        });
    }

    /// <summary>Redocly's recommended rules, with each exception and its reason in eng/openapi-lint/redocly.yaml.</summary>
    [Fact]
    public async Task The_document_passes_redocly_lint_with_the_recommended_rules()
    {
        var directory = await NpmPackages.InstallAsync("openapi-lint");
        var file = Path.Combine(Directory.CreateTempSubdirectory("todo-openapi-").FullName, "openapi.json");
        await File.WriteAllTextAsync(file, await system.Client.GetStringAsync("/openapi/v1.json"));

        var (exitCode, output) = await ExternalCommand.RunAsync(Path.Combine(directory, "node_modules", ".bin", "redocly"),
            ["lint", file, "--config", Path.Combine(directory, "redocly.yaml")], TimeSpan.FromMinutes(2), directory);

        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        Assert.True(exitCode == 0, output);
        Assert.Contains("Woohoo! Your API description is valid.", output);
        Assert.DoesNotContain("Warning was generated", output);
    }
}
