using System.Net;
using System.Net.Http.Json;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>
/// Every todo response is one caller's, so a shared HTTP cache between client and API (a proxy, a CDN) must not store
/// it: <c>Cache-Control: private</c> (RFC 9111 §5.2.2.7, https://www.rfc-editor.org/rfc/rfc9111#section-5.2.2.7). A
/// <c>304</c> carries the <c>Cache-Control</c> its <c>200</c> would have (RFC 9110 §15.4.5,
/// https://www.rfc-editor.org/rfc/rfc9110#section-15.4.5), so the API's own cache hits and 304s carry it too.
/// </summary>
[Collection(TodoSystemCollection.Name)]
public sealed class PrivateResponseTests(TodoSystem system)
{
    [Fact]
    public async Task Every_todo_response_is_private_cache_hits_304s_and_refusals_included()
    {
        var client = system.Client;
        using var created = await client.PostAsJsonAsync("/todos", TodoTestData.ValidBody());
        var path = created.Headers.Location!.ToString();
        using var computed = await client.GetAsync(path);
        HttpResponseMessage? hit = null;
        Assert.True(await Poll.UntilAsync(async () =>
        {
            hit?.Dispose();
            hit = await client.GetAsync(path);
            return hit.Headers.Contains("Age");
        }, TimeSpan.FromSeconds(10)), "the todo's read was never cached");
        using var conditional = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { IfNoneMatch = { hit!.Headers.ETag! } } };
        using var notModified = await client.SendAsync(conditional);
        using var list = await client.GetAsync("/todos?limit=1");
        using var missing = await client.GetAsync($"/todos/{Guid.CreateVersion7()}");
        using var invalid = await client.PostAsJsonAsync("/todos", new Dictionary<string, object?> { ["title"] = "" });
        using var anonymous = await system.Api.CreateClient().GetAsync("/todos");
        using var deleted = await client.DeleteAsync(path);
        using var root = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        HttpResponseMessage[] todoResponses = [created, computed, hit, notModified, list, missing, invalid, anonymous, deleted];
        Assert.All(todoResponses, response => Assert.True(response.Headers.CacheControl?.Private == true,
            $"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri!.PathAndQuery} answered {(int)response.StatusCode} with Cache-Control '{response.Headers.CacheControl}'"));
        // Only the todo routes: the service's own page says nothing of caching.
        Assert.Null(root.Headers.CacheControl);
        hit.Dispose();
    }
}
