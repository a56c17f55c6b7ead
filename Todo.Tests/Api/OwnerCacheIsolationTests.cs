using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>
/// Two users and an admin on two instances sharing one Redis: nobody is ever answered from another caller's cache
/// entry (items, 304s, list pages), while every caller still reads their own writes.
/// </summary>
[Collection(TodoSystemCollection.Name)]
public sealed class OwnerCacheIsolationTests(TodoSystem system)
{
    private (HttpClient First, HttpClient Second) ClientsOf(string subject, params string[] scopes) =>
        (system.Api.ClientFor(subject, scopes), system.Second.ClientFor(subject, scopes));

    [Fact]
    public async Task A_cached_item_is_never_served_to_another_user_not_even_as_a_304()
    {
        var (alice1, alice2) = ClientsOf($"alice-{Guid.NewGuid():N}");
        var (bob1, bob2) = ClientsOf($"bob-{Guid.NewGuid():N}");
        var (admin1, admin2) = ClientsOf($"admin-{Guid.NewGuid():N}", TestTokens.AdminScope);
        var todo = await alice1.CreateTodoAsync();
        var path = $"/todos/{todo.TodoId}";
        using var first = await alice1.GetAsync(path);
        using var cached = await alice2.GetAsync(path);
        Assert.True(cached.Headers.Contains("Age"), "alice's read was not cached");

        foreach (var bob in new[] { bob1, bob2 })
        {
            using var read = await bob.GetAsync(path);
            using var conditional = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { IfNoneMatch = { first.Headers.ETag! } } };
            using var revalidated = await bob.SendAsync(conditional);
            await read.AssertProblemAsync(HttpStatusCode.NotFound);
            await revalidated.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        Assert.Equal(todo, await admin2.GetFromJsonAsync<TodoDto>(path));

        using var patched = await alice2.PatchAsync(path, JsonContent.Create(new { title = "Changed on the second instance" }));
        Assert.Equal("Changed on the second instance", (await admin1.GetFromJsonAsync<TodoDto>(path))!.Title);
        Assert.Equal("Changed on the second instance", (await alice1.GetFromJsonAsync<TodoDto>(path))!.Title);
        Assert.Equal(HttpStatusCode.NotFound, (await bob1.GetAsync(path)).StatusCode);
    }

    /// <summary>
    /// A subject is whatever string the issuer puts in <c>sub</c>, braces and percent signs included. One with braces
    /// must not break its list pages' cache key, and one spelt like another's escaped form must not share its entries.
    /// </summary>
    [Fact]
    public async Task Subjects_with_braces_and_their_escaped_spelling_each_read_only_their_own_cached_pages()
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        var (braces1, braces2) = ClientsOf($"x{{{id}}}");
        var (spelt1, spelt2) = ClientsOf($"x%7B{id}%7D");
        const string query = "/todos?limit=10";
        var withBraces = await braces1.CreateTodoAsync();
        var spelt = await spelt1.CreateTodoAsync();

        foreach (var (mine, other, todo) in new[] { (braces1, braces2, withBraces), (spelt1, spelt2, spelt) })
        {
            Assert.Equal([todo.TodoId], (await mine.GetFromJsonAsync<List<TodoDto>>(query))!.Select(listed => listed.TodoId));
        }
        foreach (var (mine, other, todo) in new[] { (braces1, braces2, withBraces), (spelt1, spelt2, spelt) })
        {
            using var cached = await other.GetAsync(query);
            Assert.True(cached.Headers.Contains("Age"), $"{todo.Owner}'s page was not cached");
            Assert.Equal([todo.TodoId], (await cached.Content.ReadFromJsonAsync<List<TodoDto>>())!.Select(listed => listed.TodoId));
        }
    }

    [Fact]
    public async Task Users_listing_the_same_query_on_two_instances_while_both_write_only_ever_see_their_own_todos()
    {
        const int WritesEach = 40;
        var email = TodoTestData.NewOwner();
        var users = new[] { $"alice-{Guid.NewGuid():N}", $"bob-{Guid.NewGuid():N}" };
        var clients = users.ToDictionary(user => user, user => ClientsOf(user));
        var (admin1, admin2) = ClientsOf($"admin-{Guid.NewGuid():N}", TestTokens.AdminScope);
        var query = $"/todos?userEmail={Uri.EscapeDataString(email)}&limit=100";
        var foreign = new ConcurrentQueue<string>();
        var missed = new ConcurrentQueue<string>();
        var created = users.ToDictionary(user => user, _ => new ConcurrentDictionary<Guid, bool>());
        var pages = 0;
        var hits = 0;
        using var stop = new CancellationTokenSource();

        var readers = users.SelectMany(user => new[] { clients[user].First, clients[user].Second }.Select(client => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var acknowledged = created[user].Keys.ToHashSet();
                using var response = await client.GetAsync(query);
                var page = (await response.Content.ReadFromJsonAsync<List<TodoDto>>())!;
                Interlocked.Increment(ref pages);
                if (response.Headers.Contains("Age"))
                {
                    Interlocked.Increment(ref hits);
                }
                foreach (var todo in page.Where(todo => todo.Owner != user))
                {
                    foreign.Enqueue($"{user} got {todo.Owner}'s todo {todo.TodoId}");
                }
                foreach (var id in acknowledged.Except(page.Select(todo => todo.TodoId)))
                {
                    missed.Enqueue($"{user}'s list lacked {id}, created before the read began");
                }
            }
        }))).ToArray();

        var writers = users.Select(user => Task.Run(async () =>
        {
            for (var i = 0; i < WritesEach; i++)
            {
                var writer = i % 2 == 0 ? clients[user].First : clients[user].Second;
                created[user][(await writer.CreateTodoAsync(email)).TodoId] = true;
            }
        })).ToArray();
        await Task.WhenAll(writers);
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        var everyOwner = await admin1.GetFromJsonAsync<List<TodoDto>>(query);
        var everyOwnerElsewhere = await admin2.GetFromJsonAsync<List<TodoDto>>(query);
        Assert.Empty(foreign);
        Assert.Empty(missed);
        Assert.True(hits > 0, $"none of {pages} pages came from the cache");
        Assert.Equal(2 * WritesEach, everyOwner!.Count);
        Assert.Equal(everyOwner, everyOwnerElsewhere);
    }

    [Fact]
    public async Task One_users_write_leaves_another_users_cached_pages_in_place()
    {
        var (alice, _) = ClientsOf($"alice-{Guid.NewGuid():N}");
        var (bob, _) = ClientsOf($"bob-{Guid.NewGuid():N}");
        await bob.CreateTodoAsync();
        (await bob.GetAsync("/todos?limit=5")).Dispose();

        await alice.CreateTodoAsync();
        using var bobs = await bob.GetAsync("/todos?limit=5");

        Assert.True(bobs.Headers.Contains("Age"), "alice's create evicted bob's page");
    }
}
