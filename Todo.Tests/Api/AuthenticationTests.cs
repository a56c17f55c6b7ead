using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>Every todo route needs a valid bearer token; the service's own routes stay open; a refusal is always a 401 problem.</summary>
[Collection(TodoSystemCollection.Name)]
public sealed class AuthenticationTests(TodoSystem system)
{
    public static TheoryData<string> TodoRoutes => new()
    {
        "GET /todos", "GET /todos/{id}", "POST /todos", "PUT /todos/{id}", "PATCH /todos/{id}", "DELETE /todos/{id}",
    };

    [Theory]
    [MemberData(nameof(TodoRoutes))]
    public async Task A_todo_route_without_a_token_is_a_401_problem_with_a_bearer_challenge(string route)
    {
        var todo = await system.Client.CreateTodoAsync();
        using var anonymous = system.Api.CreateClient();

        using var response = await anonymous.SendAsync(Request(route, todo.TodoId));

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Equal(todo, await system.Client.GetFromJsonAsync<TodoDto>($"/todos/{todo.TodoId}"));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/alive")]
    [InlineData("/health")]
    [InlineData("/openapi/v1.json")]
    public async Task The_service_routes_and_the_openapi_document_need_no_token(string path)
    {
        using var anonymous = system.Api.CreateClient();

        using var response = await anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_service_routes_never_read_a_token()
    {
        var logs = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var api = system.StartAnotherApi(
            new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore.Authentication"] = "Trace" },
            builder => builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(logs))));
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer not-a-token");
        // The warm-up's requests to the todo routes, at start.
        logs.Clear();

        foreach (var path in new[] { "/", "/alive", "/health" })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).StatusCode);
        }
        Assert.DoesNotContain(logs, line => line.StartsWith("Microsoft.AspNetCore.Authentication", StringComparison.Ordinal));
        (await client.GetAsync("/todos")).Dispose();
        Assert.Contains(logs, line => line.StartsWith("Microsoft.AspNetCore.Authentication", StringComparison.Ordinal));
    }

    /// <summary>Every way a token can be wrong: each gets the same 401, never a 500, never the data.</summary>
    public static readonly string[] BadCredentialKinds =
    [
        "no token", "bad signature", "alg none", "expired", "not yet valid", "wrong issuer", "wrong audience", "no expiry",
        "oversized", "malformed", "three garbage parts", "empty bearer", "basic scheme", "token of another scheme",
    ];

    public static TheoryData<string> BadCredentials => [.. BadCredentialKinds];

    [Theory]
    [MemberData(nameof(BadCredentials))]
    public async Task A_bad_token_of_any_kind_is_a_401_problem(string kind)
    {
        var todo = await system.Client.CreateTodoAsync();
        using var client = system.Api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/todos/{todo.TodoId}");
        if (BadAuthorization(kind) is { } authorization)
        {
            Assert.True(request.Headers.TryAddWithoutValidation("Authorization", authorization));
        }

        using var response = await client.SendAsync(request);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, challenge => challenge.Scheme == "Bearer");
        Assert.DoesNotContain(todo.Title, problem.ToString());
    }

    [Fact]
    public async Task A_valid_token_without_a_subject_is_a_403_problem()
    {
        using var client = system.Api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            TestTokens.Shared.Mint(new Dictionary<string, object> { ["email"] = "nobody@example.com" }));

        using var response = await client.GetAsync("/todos");

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_token_at_the_edge_of_its_lifetime_is_accepted_within_the_clock_skew_only()
    {
        using var client = system.Api.CreateClient();
        var now = DateTime.UtcNow;
        var justExpired = TestTokens.Shared.Mint(Subject(), notBefore: now.AddMinutes(-5), expires: now.AddSeconds(-5));
        var longExpired = TestTokens.Shared.Mint(Subject(), notBefore: now.AddMinutes(-5), expires: now.AddMinutes(-2));

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, justExpired)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(client, longExpired)).StatusCode);
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/todos?limit=1") { Headers = { Authorization = new("Bearer", token) } };
        return await client.SendAsync(request);
    }

    private static Dictionary<string, object> Subject() => new() { ["sub"] = TestTokens.DefaultUser };

    /// <summary>The Authorization header for <paramref name="kind"/>; null for none.</summary>
    public static string? BadAuthorization(string kind)
    {
        var tokens = TestTokens.Shared;
        var now = DateTime.UtcNow;
        return kind switch
        {
            "no token" => null,
            "bad signature" => $"Bearer {tokens.Mint(Subject(), key: new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)))}",
            "alg none" => $"Bearer {Unsigned(Subject())}",
            "expired" => $"Bearer {tokens.Mint(Subject(), notBefore: now.AddHours(-2), expires: now.AddHours(-1))}",
            "not yet valid" => $"Bearer {tokens.Mint(Subject(), notBefore: now.AddHours(1), expires: now.AddHours(2))}",
            "wrong issuer" => $"Bearer {tokens.Mint(Subject(), issuer: "someone-else")}",
            "wrong audience" => $"Bearer {tokens.Mint(Subject(), audience: "another-api")}",
            "no expiry" => $"Bearer {Signed(new Dictionary<string, object> { ["sub"] = TestTokens.DefaultUser, ["iss"] = TestTokens.Issuer, ["aud"] = TestTokens.Audience })}",
            "oversized" => $"Bearer {tokens.Mint(new Dictionary<string, object> { ["sub"] = TestTokens.DefaultUser, ["padding"] = new string('x', 20_000) })}",
            "malformed" => "Bearer not-a-token",
            "three garbage parts" => "Bearer e30.e30.AAAA",
            "empty bearer" => "Bearer ",
            "basic scheme" => $"Basic {Convert.ToBase64String(Encoding.ASCII.GetBytes("admin:admin"))}",
            "token of another scheme" => $"Token {tokens.For(TestTokens.DefaultUser)}",
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    /// <summary>A token whose header says <c>alg: none</c>, with an empty signature.</summary>
    public static string Unsigned(Dictionary<string, object> claims)
    {
        var payload = new Dictionary<string, object>(claims)
        {
            ["iss"] = TestTokens.Issuer,
            ["aud"] = TestTokens.Audience,
            ["exp"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(),
        };
        return $"{Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""")}.{Base64UrlEncoder.Encode(System.Text.Json.JsonSerializer.Serialize(payload))}.";
    }

    /// <summary>A token with exactly <paramref name="payload"/>, signed with the tests' key (no lifetime claims added).</summary>
    private static string Signed(Dictionary<string, object> payload)
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"HS256","typ":"JWT"}""");
        var body = Base64UrlEncoder.Encode(System.Text.Json.JsonSerializer.Serialize(payload));
        var signature = HMACSHA256.HashData(TestTokens.Shared.Key.Key, Encoding.ASCII.GetBytes($"{header}.{body}"));
        return $"{header}.{body}.{Base64UrlEncoder.Encode(signature)}";
    }

    private static HttpRequestMessage Request(string route, Guid id)
    {
        var parts = route.Split(' ');
        var request = new HttpRequestMessage(new HttpMethod(parts[0]), parts[1].Replace("{id}", id.ToString(), StringComparison.Ordinal));
        if (parts[0] is "POST" or "PUT" or "PATCH")
        {
            request.Content = JsonContent.Create(TodoTestData.ValidBody());
        }
        return request;
    }
}
