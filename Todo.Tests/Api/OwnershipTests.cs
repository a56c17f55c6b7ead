using System.Net;
using System.Net.Http.Json;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>A todo is its creator's: others cannot tell it exists; the admin scope sees and changes every owner's.</summary>
[Collection(TodoSystemCollection.Name)]
public sealed class OwnershipTests(TodoSystem system)
{
    private static string NewSubject() => $"user-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_todo_belongs_to_the_subject_of_the_token_that_created_it()
    {
        var alice = NewSubject();
        using var client = system.Api.ClientFor(alice);

        var todo = await client.CreateTodoAsync();

        Assert.Equal(alice, todo.Owner);
        Assert.Equal(alice, await Sql.ScalarAsync<string>(system.TodosConnectionString, "SELECT owner_id FROM todos WHERE todo_id = $1", todo.TodoId));
    }

    [Fact]
    public async Task Someone_elses_todo_is_a_404_like_one_that_does_not_exist_for_every_route_and_stays_unchanged()
    {
        using var alice = system.Api.ClientFor(NewSubject());
        using var bob = system.Api.ClientFor(NewSubject());
        var hers = await alice.CreateTodoAsync();
        var missing = Guid.CreateVersion7();
        using var etagOf = await alice.GetAsync($"/todos/{hers.TodoId}");

        foreach (var id in new[] { hers.TodoId, missing })
        {
            var responses = new[]
            {
                await bob.GetAsync($"/todos/{id}"),
                await bob.PutAsJsonAsync($"/todos/{id}", TodoTestData.ValidBody(title: "Bob was here")),
                await bob.PatchAsync($"/todos/{id}", JsonContent.Create(new { title = "Bob was here" })),
                await bob.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/todos/{id}") { Headers = { IfMatch = { etagOf.Headers.ETag! } } }),
                await bob.DeleteAsync($"/todos/{id}"),
            };
            foreach (var response in responses)
            {
                var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
                Assert.Equal($"There is no todo {id}.", problem.GetProperty("detail").GetString());
                response.Dispose();
            }
        }
        Assert.Equal(hers, await alice.GetFromJsonAsync<TodoDto>($"/todos/{hers.TodoId}"));
    }

    [Fact]
    public async Task A_list_holds_only_the_callers_todos_whatever_the_filters()
    {
        var email = TodoTestData.NewOwner();
        using var alice = system.Api.ClientFor(NewSubject());
        using var bob = system.Api.ClientFor(NewSubject());
        var hers = await alice.CreateTodoAsync(email);
        var his = await bob.CreateTodoAsync(email);

        Assert.Equal([hers.TodoId], (await alice.GetFromJsonAsync<List<TodoDto>>($"/todos?userEmail={email}"))!.Select(todo => todo.TodoId));
        Assert.Equal([his.TodoId], (await bob.GetFromJsonAsync<List<TodoDto>>($"/todos?userEmail={email}"))!.Select(todo => todo.TodoId));
        Assert.DoesNotContain((await alice.GetFromJsonAsync<List<TodoDto>>("/todos?limit=100"))!, todo => todo.Owner != hers.Owner);
    }

    [Fact]
    public async Task The_admin_scope_sees_changes_and_deletes_every_owners_todos_and_filters_by_owner()
    {
        var aliceSubject = NewSubject();
        using var alice = system.Api.ClientFor(aliceSubject);
        using var admin = system.Api.ClientFor("admin-" + NewSubject(), TestTokens.AdminScope);
        var email = TodoTestData.NewOwner();
        var hers = await alice.CreateTodoAsync(email);
        var another = await system.Client.CreateTodoAsync(email);

        var seen = await admin.GetFromJsonAsync<TodoDto>($"/todos/{hers.TodoId}");
        var everyOwner = await admin.GetFromJsonAsync<List<TodoDto>>($"/todos?userEmail={email}");
        var hersOnly = await admin.GetFromJsonAsync<List<TodoDto>>($"/todos?userEmail={email}&owner={aliceSubject}");
        using var patched = await admin.PatchAsync($"/todos/{hers.TodoId}", JsonContent.Create(new { status = "done" }));
        var afterPatch = await alice.GetFromJsonAsync<TodoDto>($"/todos/{hers.TodoId}");
        using var deleted = await admin.DeleteAsync($"/todos/{another.TodoId}");

        Assert.Equal(hers, seen);
        Assert.Equal([another.TodoId, hers.TodoId], everyOwner!.Select(todo => todo.TodoId));
        Assert.Equal([hers.TodoId], hersOnly!.Select(todo => todo.TodoId));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal(("done", aliceSubject), (afterPatch!.Status, afterPatch.Owner));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await system.Client.GetAsync($"/todos/{another.TodoId}")).StatusCode);
    }

    [Fact]
    public async Task Filtering_by_owner_without_the_admin_scope_is_a_403()
    {
        using var response = await system.Client.GetAsync($"/todos?owner={NewSubject()}");

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_user_email_defaults_to_the_tokens_email_and_stays_a_field_the_client_writes()
    {
        using var client = system.Api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Shared.Mint(
            new Dictionary<string, object> { ["sub"] = NewSubject(), ["email"] = "carol@example.com" }));
        var body = TodoTestData.ValidBody();
        body.Remove("userEmail");

        using var defaulted = await client.PostAsJsonAsync("/todos", body);
        var written = await client.CreateTodoAsync("someone.else@example.com");
        using var withoutEmail = await system.Client.PostAsJsonAsync("/todos", body);

        Assert.Equal("carol@example.com", (await defaulted.Content.ReadFromJsonAsync<TodoDto>())!.UserEmail);
        Assert.Equal("someone.else@example.com", written.UserEmail);
        await withoutEmail.AssertProblemAsync(HttpStatusCode.BadRequest, "userEmail");
    }

    [Fact]
    public async Task An_idempotency_key_is_its_owners_two_users_with_one_key_get_two_todos()
    {
        using var alice = system.Api.ClientFor(NewSubject());
        using var bob = system.Api.ClientFor(NewSubject());
        var key = Guid.NewGuid().ToString();

        var hers = await CreateWithKeyAsync(alice, key);
        var his = await CreateWithKeyAsync(bob, key);
        var hersAgain = await CreateWithKeyAsync(alice, key);

        Assert.NotEqual(hers.TodoId, his.TodoId);
        Assert.Equal(hers, hersAgain);
        Assert.NotEqual(hers.Owner, his.Owner);
    }

    private static async Task<TodoDto> CreateWithKeyAsync(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/todos")
        {
            Content = JsonContent.Create(TodoTestData.ValidBody("same@example.com")),
            Headers = { { "Idempotency-Key", key } },
        };
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TodoDto>())!;
    }
}
