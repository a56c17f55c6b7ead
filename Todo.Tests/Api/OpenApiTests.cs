using System.Net.Http.Json;
using System.Text.Json;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

[Collection(TodoSystemCollection.Name)]
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
}
