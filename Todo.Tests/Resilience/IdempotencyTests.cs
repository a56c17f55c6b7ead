using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Todo.Api.Todos;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Resilience;

[Collection(TodoSystemCollection.Name)]
[Trait("Category", "Resilience")]
public sealed class IdempotencyTests(TodoSystem system)
{
    [Fact]
    public async Task A_retry_with_the_same_key_returns_the_first_todo_and_creates_nothing()
    {
        var body = TodoTestData.ValidBody();
        var key = Guid.NewGuid().ToString();

        using var first = await PostAsync(system.Client, body, key);
        using var retry = await PostAsync(system.Second.Client, body, key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal("true", Assert.Single(retry.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(1, await CountAsync(key));
    }

    [Fact]
    public async Task Retries_racing_the_original_on_two_instances_make_one_todo()
    {
        for (var round = 0; round < 20; round++)
        {
            var body = TodoTestData.ValidBody();
            var key = $"race-{Guid.NewGuid():N}";

            var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => PostAsync(i % 2 == 0 ? system.Client : system.Second.Client, body, key)));

            Assert.All(responses, response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));
            Assert.Single(responses.Select(response => response.Headers.Location).Distinct());
            Assert.Equal(1, await CountAsync(key));
        }
    }

    /// <summary>
    /// Four creates under one key, on two instances, that looked for it before any of them inserted (the test holds inserts
    /// back until both instances wait to insert): the unique key lets one row in, and the three that lost answer with the
    /// winner's todo.
    /// </summary>
    [Fact]
    public async Task Creates_under_one_key_that_all_missed_the_lookup_make_one_todo_and_the_losers_replay_it()
    {
        var body = TodoTestData.ValidBody();
        var key = $"forced-race-{Guid.NewGuid():N}";

        Task<HttpResponseMessage[]> creating;
        await using (var inserts = await HeldLock.TakeAsync(system.TodosConnectionString, "LOCK TABLE todos IN SHARE MODE"))
        {
            creating = Task.WhenAll(Enumerable.Range(0, 4).Select(i => PostAsync(i % 2 == 0 ? system.Client : system.Second.Client, body, key)));
            // Past their lookups, every create waits for its commit behind the lock, two on each instance.
            await inserts.WaitForWaitersAsync(2);
            Assert.True(await Poll.UntilAsync(() => Waiting(system.Api) == 2 && Waiting(system.Second) == 2, TimeSpan.FromSeconds(10)),
                $"{Waiting(system.Api)} and {Waiting(system.Second)} creates waiting");
        }
        var responses = await creating;

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));
        Assert.Single(responses.Select(response => response.Headers.Location).Distinct());
        Assert.Equal(3, responses.Count(response => response.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Single() == "true"));
        Assert.Equal(1, await CountAsync(key));
    }

    [Fact]
    public async Task Reusing_a_key_for_a_different_todo_is_422_and_creates_nothing()
    {
        var key = Guid.NewGuid().ToString();
        (await PostAsync(system.Client, TodoTestData.ValidBody(title: "First"), key)).Dispose();

        using var reuse = await PostAsync(system.Second.Client, TodoTestData.ValidBody(title: "Second"), key);

        await reuse.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(1, await CountAsync(key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("first, second")]
    [InlineData("\"\"")]
    public async Task A_malformed_key_is_400_naming_the_header(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/todos") { Content = JsonContent.Create(TodoTestData.ValidBody()) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key.Length == 0 ? " " : key);

        using var response = await system.Client.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "Idempotency-Key");
    }

    [Fact]
    public async Task A_key_longer_than_255_characters_is_400()
    {
        using var response = await PostAsync(system.Client, TodoTestData.ValidBody(), new string('k', 256));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "Idempotency-Key");
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/todos") { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private Task<long> CountAsync(string key) =>
        Sql.ScalarAsync<long>(system.TodosConnectionString, "SELECT count(*) FROM todos WHERE idempotency_key = $1", key);

    private static int Waiting(TodoApiInstance api) => api.Services.GetRequiredService<TodoGroupCommit>().Waiting;
}
