using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>
/// The OpenAPI document lists, for each todo operation, exactly the statuses the operation answers with: each one is
/// provoked here (503 from an instance whose PostgreSQL is nowhere, 401 and 403 from bad callers, 429 from a caller
/// whose one place is held by a read waiting on a <see cref="TableLock"/>), and none is documented that nothing provokes.
/// </summary>
[Collection(TodoSystemCollection.Name)]
public sealed class DocumentedStatusTests(TodoSystem system)
{
    private const string MergePatch = "application/merge-patch+json";

    [Fact]
    public async Task Every_operation_documents_exactly_the_statuses_it_answers_with()
    {
        using var noDatabase = new RefusedPort();
        await using var withoutDatabase = TodoApiInstance.Start(
            $"Host=127.0.0.1;Port={noDatabase.Port};Database=todos;Username=nobody;Password=none", system.CacheConnectionString,
            new Dictionary<string, string?> { ["Database:MigrateOnStartup"] = "false", ["OutputCache:Enabled"] = "false" });
        var api = system.Client;
        var todo = await api.CreateTodoAsync();
        var item = $"/todos/{todo.TodoId}";
        var missing = $"/todos/{Guid.CreateVersion7()}";
        var valid = JsonSerializer.Serialize(TodoTestData.ValidBody());
        var tooLarge = JsonSerializer.Serialize(new { title = new string('x', 40_000) });
        (await api.GetAsync(item)).Dispose();
        using var cached = await api.GetAsync(item);
        var etag = cached.Headers.ETag!.Tag;

        var observed = new Dictionary<string, HashSet<int>>
        {
            ["get /todos"] = await StatusesAsync(
                Request(api, HttpMethod.Get, "/todos"), Request(api, HttpMethod.Get, "/todos?limit=0"), Request(withoutDatabase.Client, HttpMethod.Get, "/todos")),
            ["post /todos"] = await StatusesAsync(
                Request(api, HttpMethod.Post, "/todos", valid), Request(api, HttpMethod.Post, "/todos", "{}"),
                Request(api, HttpMethod.Post, "/todos", tooLarge), Request(api, HttpMethod.Post, "/todos", valid, "text/plain"),
                () => ReusedKeyAsync(api, valid), Request(withoutDatabase.Client, HttpMethod.Post, "/todos", valid)),
            ["get /todos/{todoId}"] = await StatusesAsync(
                Request(api, HttpMethod.Get, item), Request(api, HttpMethod.Get, item, ifNoneMatch: etag), Request(api, HttpMethod.Get, "/todos/nope"),
                Request(api, HttpMethod.Get, missing), Request(withoutDatabase.Client, HttpMethod.Get, item)),
            ["put /todos/{todoId}"] = await StatusesAsync(
                Request(api, HttpMethod.Put, item, valid), Request(api, HttpMethod.Put, item, "{}"), Request(api, HttpMethod.Put, missing, valid),
                Request(api, HttpMethod.Put, item, valid, ifMatch: "\"1\""), Request(api, HttpMethod.Put, item, tooLarge),
                Request(api, HttpMethod.Put, item, valid, "text/plain"), Request(withoutDatabase.Client, HttpMethod.Put, item, valid)),
            ["patch /todos/{todoId}"] = await StatusesAsync(
                Request(api, HttpMethod.Patch, item, "{}", MergePatch), Request(api, HttpMethod.Patch, item, """{"title":null}""", MergePatch),
                Request(api, HttpMethod.Patch, missing, "{}", MergePatch), Request(api, HttpMethod.Patch, item, "{}", MergePatch, ifMatch: "\"1\""),
                Request(api, HttpMethod.Patch, item, tooLarge, MergePatch), Request(api, HttpMethod.Patch, item, "{}", "text/plain"),
                Request(withoutDatabase.Client, HttpMethod.Patch, item, "{}", MergePatch)),
            ["delete /todos/{todoId}"] = await StatusesAsync(
                Request(api, HttpMethod.Delete, item, ifMatch: "\"1\""), Request(api, HttpMethod.Delete, "/todos/nope"), Request(api, HttpMethod.Delete, missing),
                Request(withoutDatabase.Client, HttpMethod.Delete, item), Request(api, HttpMethod.Delete, item)),
        };

        // Every operation: 401 without a token, 403 with a token that names no subject.
        using var anonymous = system.Api.CreateClient();
        using var withoutSubject = system.Api.CreateClient();
        withoutSubject.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Shared.Mint(new Dictionary<string, object> { ["email"] = "nobody@example.com" }));
        async Task SendEveryOperationAsync(HttpClient client)
        {
            foreach (var (operation, statuses) in observed)
            {
                var (method, path) = (operation.Split(' ')[0], operation.Split(' ')[1].Replace("{todoId}", todo.TodoId.ToString(), StringComparison.Ordinal));
                var body = method is "post" or "put" or "patch" ? valid : null;
                statuses.Add((int)await SendAsync(client, new HttpMethod(method.ToUpperInvariant()), path, body, "application/json", null, null));
            }
        }
        await SendEveryOperationAsync(anonymous);
        await SendEveryOperationAsync(withoutSubject);

        // Every operation: 429 for a caller past its share (one request in progress, none waiting).
        await using (var limited = system.StartAnotherApi(new Dictionary<string, string?> { ["CallerLimits:Requests"] = "1", ["CallerLimits:QueuedRequests"] = "0" }))
        {
            using var caller = limited.ClientFor($"limited-{Guid.NewGuid():N}");
            Task<HttpResponseMessage> held;
            await using (var table = await TableLock.TakeAsync(system.TodosConnectionString))
            {
                held = caller.GetAsync("/todos?status=done");
                await table.UntilWaitingAsync(1);
                await SendEveryOperationAsync(caller);
            }
            (await held).Dispose();
        }

        var document = await api.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        foreach (var (operation, statuses) in observed)
        {
            var (method, path) = (operation.Split(' ')[0], operation.Split(' ')[1]);
            var documented = document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses")
                .EnumerateObject().Select(response => int.Parse(response.Name, System.Globalization.CultureInfo.InvariantCulture)).Order();
            Assert.Equal($"{operation}: {string.Join(", ", statuses.Order())}", $"{operation}: {string.Join(", ", documented)}");
        }
    }

    /// <summary>Sends the requests one after another (a delete must come after the requests it would turn into 404s).</summary>
    private static async Task<HashSet<int>> StatusesAsync(params Func<Task<HttpStatusCode>>[] requests)
    {
        var statuses = new HashSet<int>();
        foreach (var request in requests)
        {
            statuses.Add((int)await request());
        }
        return statuses;
    }

    private static Func<Task<HttpStatusCode>> Request(HttpClient client, HttpMethod method, string path, string? body = null,
        string mediaType = "application/json", string? ifMatch = null, string? ifNoneMatch = null) =>
        () => SendAsync(client, method, path, body, mediaType, ifMatch, ifNoneMatch);

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, HttpMethod method, string path, string? body,
        string mediaType, string? ifMatch, string? ifNoneMatch)
    {
        using var request = new HttpRequestMessage(method, path)
        {
            Content = body is null ? null : new StringContent(body, Encoding.UTF8, mediaType),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> ReusedKeyAsync(HttpClient client, string body)
    {
        var key = Guid.NewGuid().ToString();
        using var first = new HttpRequestMessage(HttpMethod.Post, "/todos") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        first.Headers.Add("Idempotency-Key", key);
        (await client.SendAsync(first)).Dispose();
        using var reused = new HttpRequestMessage(HttpMethod.Post, "/todos")
        {
            Content = new StringContent(body.Replace("Buy milk", "Buy bread", StringComparison.Ordinal), Encoding.UTF8, "application/json"),
        };
        reused.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(reused);
        return response.StatusCode;
    }
}
