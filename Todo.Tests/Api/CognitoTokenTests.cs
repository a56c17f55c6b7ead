using System.Net;
using System.Net.Http.Json;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>
/// Tokens shaped like Amazon Cognito's, keys found through the authority as on AWS: an access token counts only for an
/// accepted app client (<c>client_id</c>, <c>token_use: access</c>), since Cognito access tokens carry no <c>aud</c>.
/// </summary>
[Collection(TodoSystemCollection.Name)]
public sealed class CognitoTokenTests(TodoSystem system) : IAsyncLifetime
{
    private const string Client = "todo-api-client";
    private const string AdminScope = "todo-api/todos:admin";

    private TestIdentityProvider _pool = null!;
    private TodoApiInstance _api = null!;

    public async Task InitializeAsync()
    {
        _pool = await TestIdentityProvider.StartAsync();
        _api = system.StartAnotherApi(new Dictionary<string, string?>(_pool.ApiSettings(Client).Select(setting => KeyValuePair.Create(setting.Key, (string?)setting.Value)))
        {
            ["Authentication:AdminScope"] = AdminScope,
        });
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _pool.DisposeAsync();
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
