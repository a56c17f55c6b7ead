using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Todo.Testing;

/// <summary>
/// An OpenID Connect issuer on 127.0.0.1 shaped like an Amazon Cognito user pool: its discovery document and RSA key set
/// at the paths Cognito serves them, and tokens with Cognito's claims (access tokens carry <c>client_id</c> and
/// <c>token_use</c>, no <c>aud</c>). The API finds its key through <c>Authority</c>, as it does on AWS.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RsaSecurityKey _key;

    private TestIdentityProvider(WebApplication app, RsaSecurityKey key, string authority)
    {
        _app = app;
        _key = key;
        Authority = authority;
    }

    /// <summary>The API's scope as Cognito names a resource server's (<c>{identifier}/{scope}</c>), and as the API requires it on AWS.</summary>
    public const string UserScope = "todo-api/todos";

    /// <summary>The issuer, <c>http://127.0.0.1:{port}/{pool id}</c> as Cognito's is <c>https://cognito-idp.{region}.amazonaws.com/{pool id}</c>.</summary>
    public string Authority { get; }

    public static async Task<TestIdentityProvider> StartAsync(string poolId = "eu-west-1_TestPool")
    {
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = Guid.NewGuid().ToString("N") };
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var publicKey = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(false)) { KeyId = key.KeyId });
        var jwks = JsonSerializer.Serialize(new
        {
            keys = new[] { new { kid = publicKey.Kid, kty = publicKey.Kty, alg = SecurityAlgorithms.RsaSha256, use = "sig", n = publicKey.N, e = publicKey.E } },
        });
        // The issuer is known once the server has its port; the discovery document is asked for only after that.
        var authority = "";
        app.MapGet($"/{poolId}/.well-known/openid-configuration", () => Results.Text(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["issuer"] = authority,
            ["jwks_uri"] = $"{authority}/.well-known/jwks.json",
            ["id_token_signing_alg_values_supported"] = new[] { SecurityAlgorithms.RsaSha256 },
            ["response_types_supported"] = new[] { "code", "token" },
            ["subject_types_supported"] = new[] { "public" },
        }), "application/json"));
        app.MapGet($"/{poolId}/.well-known/jwks.json", () => Results.Text(jwks, "application/json"));
        await app.StartAsync();
        authority = $"{app.Urls.Single()}/{poolId}";
        return new TestIdentityProvider(app, key, authority);
    }

    /// <summary>
    /// The API's settings (configuration keys) that accept this pool's access tokens for <paramref name="clientIds"/>,
    /// with <see cref="UserScope"/>, as on AWS.
    /// </summary>
    public IReadOnlyDictionary<string, string> ApiSettings(params string[] clientIds)
    {
        var settings = new Dictionary<string, string>
        {
            ["Authentication:Schemes:Bearer:Authority"] = Authority,
            // Plain HTTP on loopback; on AWS the authority is Cognito's HTTPS address and the default (HTTPS only) holds.
            ["Authentication:Schemes:Bearer:RequireHttpsMetadata"] = "false",
            ["Authentication:UserScope"] = UserScope,
        };
        for (var i = 0; i < clientIds.Length; i++)
        {
            settings[$"Authentication:Schemes:Bearer:ValidClientIds:{i}"] = clientIds[i];
        }
        return settings;
    }

    /// <summary>
    /// An access token as Cognito issues it to <paramref name="clientId"/> for <paramref name="subject"/>, with
    /// <paramref name="scopes"/>: <see cref="UserScope"/> unless given, as the users' sign-in page grants it.
    /// </summary>
    public string AccessToken(string subject, string clientId, params string[] scopes) => Mint(new Dictionary<string, object>
    {
        ["sub"] = subject,
        ["token_use"] = "access",
        ["client_id"] = clientId,
        ["scope"] = string.Join(' ', scopes.Length > 0 ? scopes : [UserScope]),
        ["username"] = subject,
        ["auth_time"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["jti"] = Guid.NewGuid().ToString(),
    }, audience: null);

    /// <summary>An ID token as Cognito issues it: <c>aud</c> is the client, <c>token_use</c> is <c>id</c>.</summary>
    public string IdToken(string subject, string clientId) => Mint(new Dictionary<string, object>
    {
        ["sub"] = subject,
        ["token_use"] = "id",
        ["cognito:username"] = subject,
        ["email"] = $"{subject}@example.com",
    }, audience: clientId);

    public string Mint(Dictionary<string, object> claims, string? audience) => TestTokens.Shared.Mint(claims, issuer: Authority, audience: audience, key: _key);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
