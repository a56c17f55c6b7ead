using System.Net;
using System.Net.Http.Json;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>
/// Tokens shaped like Amazon Cognito's, keys found through the authority as on AWS: an access token counts only for an
/// accepted app client (<c>client_id</c>, <c>token_use: access</c>), since Cognito access tokens carry no <c>aud</c>, and
/// only with the API's scope.
/// </summary>
[Collection(TodoSystemCollection.Name)]
public sealed class CognitoTokenTests(TodoSystem system) : IAsyncLifetime
{
    private const string Client = "todo-api-client";
    private const string AdminScope = "todo-api/todos:admin";

    private TestIdentityProvider _pool = null!;
    private TodoApiInstance _api = null!;

    public async Task InitializeAsync() => (_pool, _api) = await system.SharedAsync(nameof(CognitoTokenTests), async () =>
    {
        var pool = await TestIdentityProvider.StartAsync();
        var api = system.StartAnotherApi(new Dictionary<string, string?>(pool.ApiSettings(Client).Select(setting => KeyValuePair.Create(setting.Key, (string?)setting.Value)))
        {
            ["Authentication:AdminScope"] = AdminScope,
        });
        return new PoolAndApi(pool, api);
    });

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The issuer and an instance that trusts it, shared by the class's tests.</summary>
    private sealed record PoolAndApi(TestIdentityProvider Pool, TodoApiInstance Api) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Api.DisposeAsync();
            await Pool.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_access_token_of_the_accepted_client_is_the_callers_identity()
    {
        var subject = Guid.NewGuid().ToString();
        using var client = ClientWith(_pool.AccessToken(subject, Client));

        var todo = await client.CreateTodoAsync();

        Assert.Equal(subject, todo.Owner);
        Assert.Equal(todo, await client.GetFromJsonAsync<TodoDto>($"/todos/{todo.TodoId}"));
    }

    [Fact]
    public async Task The_admin_scope_as_cognito_names_it_sees_every_owners_todos()
    {
        var todo = await ClientWith(_pool.AccessToken(Guid.NewGuid().ToString(), Client)).CreateTodoAsync();
        using var admin = ClientWith(_pool.AccessToken(Guid.NewGuid().ToString(), Client, "openid", AdminScope));

        Assert.Equal(todo, await admin.GetFromJsonAsync<TodoDto>($"/todos/{todo.TodoId}"));
    }

    /// <summary>
    /// Cognito's own sign-in API (InitiateAuth: user password, SRP) issues access tokens with the scope
    /// aws.cognito.signin.user.admin, permission to read and write the user's attributes, and never a custom scope: those
    /// come only from the pool's OAuth endpoints ("Understanding the access token",
    /// https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html).
    /// A token that can change the account's sign-in e-mail is refused even beside the API's scope, and so is one
    /// without the API's scope.
    /// </summary>
    [Theory]
    [InlineData("aws.cognito.signin.user.admin")]
    [InlineData("aws.cognito.signin.user.admin todo-api/todos")]
    [InlineData("aws.cognito.signin.user.admin todo-api/todos:admin")]
    [InlineData("openid email profile")]
    [InlineData("todo-api/todos:read")]
    public async Task A_token_that_can_change_the_cognito_account_or_lacks_the_api_scope_is_a_403(string scopes)
    {
        using var client = ClientWith(_pool.AccessToken(Guid.NewGuid().ToString(), Client, scopes.Split(' ')));

        using var listed = await client.GetAsync("/todos");
        using var created = await client.PostAsJsonAsync("/todos", TodoTestData.ValidBody());

        await listed.AssertProblemAsync(HttpStatusCode.Forbidden);
        await created.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("another client's access token")]
    [InlineData("an ID token of the accepted client")]
    [InlineData("an access token that says it is an ID token")]
    [InlineData("an access token with an audience but no client")]
    [InlineData("an access token of another pool")]
    public async Task Any_other_token_of_the_pool_is_a_401(string kind)
    {
        var subject = Guid.NewGuid().ToString();
        await using var otherPool = await TestIdentityProvider.StartAsync("eu-west-1_OtherPool");
        var token = kind switch
        {
            "another client's access token" => _pool.AccessToken(subject, "some-other-client"),
            "an ID token of the accepted client" => _pool.IdToken(subject, Client),
            "an access token that says it is an ID token" => _pool.Mint(new() { ["sub"] = subject, ["client_id"] = Client, ["token_use"] = "id" }, audience: null),
            "an access token with an audience but no client" => _pool.Mint(new() { ["sub"] = subject, ["token_use"] = "access" }, audience: Client),
            _ => otherPool.AccessToken(subject, Client),
        };
        using var client = ClientWith(token);

        using var response = await client.GetAsync("/todos");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    private HttpClient ClientWith(string token)
    {
        var client = _api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }
}
