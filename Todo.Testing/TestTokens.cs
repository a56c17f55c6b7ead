using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Todo.Testing;

/// <summary>
/// Bearer tokens the tests and the benchmark mint for themselves, signed with a key made for this run (HMAC-SHA256, as
/// <c>dotnet user-jwts</c> signs), and the API settings that accept them.
/// </summary>
public sealed class TestTokens
{
    public const string Issuer = "todo-tests";
    public const string Audience = "todo-api";
    public const string AdminScope = "todos:admin";

    /// <summary>The subject every test client is, unless it asks for another.</summary>
    public const string DefaultUser = "tests-user";

    public static TestTokens Shared { get; } = new();

    private static readonly JsonWebTokenHandler s_handler = new();

    public SymmetricSecurityKey Key { get; } = new(RandomNumberGenerator.GetBytes(32));

    /// <summary>The API's settings (configuration keys) that accept these tokens.</summary>
    public IReadOnlyDictionary<string, string> ApiSettings => new Dictionary<string, string>
    {
        ["Authentication:Schemes:Bearer:ValidIssuer"] = Issuer,
        ["Authentication:Schemes:Bearer:ValidAudiences:0"] = Audience,
        ["Authentication:Schemes:Bearer:SigningKeys:0:Issuer"] = Issuer,
        ["Authentication:Schemes:Bearer:SigningKeys:0:Value"] = Convert.ToBase64String(Key.Key),
    };

    /// <summary>A token of <paramref name="subject"/>, valid for an hour, with <paramref name="scopes"/> in one space-separated claim.</summary>
    public string For(string subject, params string[] scopes) => Mint(new Dictionary<string, object> { ["sub"] = subject }, scopes);

    public string Admin(string subject = "tests-admin") => For(subject, AdminScope);

    public AuthenticationHeaderValue Header(string subject, params string[] scopes) => new("Bearer", For(subject, scopes));

    /// <summary>
    /// A token with <paramref name="claims"/> (no <c>sub</c> unless given), valid from <paramref name="notBefore"/> to
    /// <paramref name="expires"/> (now to an hour from now when left out), from <paramref name="issuer"/> to
    /// <paramref name="audience"/>, signed with <paramref name="key"/> (this run's unless given).
    /// </summary>
    public string Mint(IDictionary<string, object> claims, string[]? scopes = null, DateTime? notBefore = null, DateTime? expires = null,
        string issuer = Issuer, string? audience = Audience, SecurityKey? key = null)
    {
        var all = new Dictionary<string, object>(claims);
        if (scopes is { Length: > 0 })
        {
            all["scope"] = string.Join(' ', scopes);
        }
        var now = DateTime.UtcNow;
        var from = notBefore ?? now;
        return s_handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = all,
            Issuer = issuer,
            Audience = audience,
            IssuedAt = from < now ? from : now,
            NotBefore = from,
            Expires = expires ?? now.AddHours(1),
            SigningCredentials = new SigningCredentials(key ?? Key, key is RsaSecurityKey ? SecurityAlgorithms.RsaSha256 : SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>An HTTP client of <paramref name="subject"/> (with <paramref name="scopes"/>) for <paramref name="baseAddress"/>.</summary>
    public HttpClient Client(Uri baseAddress, string subject, params string[] scopes) =>
        new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30), DefaultRequestHeaders = { Authorization = Header(subject, scopes) } };
}
