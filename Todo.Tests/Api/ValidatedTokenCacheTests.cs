using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Todo.Api.Identity;

namespace Todo.Tests.Api;

/// <summary>The cache of validated tokens saves the signature check on repeats, and never outlives a token or remembers a bad one.</summary>
public sealed class ValidatedTokenCacheTests
{
    private readonly CountingHandler _inner = new();
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private readonly ValidatedTokenCache _cache;

    public ValidatedTokenCacheTests() => _cache = new ValidatedTokenCache(_inner, _clock);

    private static readonly TokenValidationParameters s_parameters = new()
    {
        ValidIssuer = TestTokens.Issuer,
        ValidAudience = TestTokens.Audience,
        IssuerSigningKey = TestTokens.Shared.Key,
    };

    [Fact]
    public async Task A_valid_token_is_checked_once_then_remembered()
    {
        var token = TestTokens.Shared.For("alice");

        var results = new[] { await ValidateAsync(token), await ValidateAsync(token), await ValidateAsync(token) };

        Assert.All(results, result => Assert.True(result.IsValid));
        Assert.All(results, result => Assert.Equal("alice", result.ClaimsIdentity.FindFirst("sub")?.Value));
        Assert.Equal(1, _inner.Calls);
    }

    [Fact]
    public async Task A_remembered_token_is_checked_in_full_again_from_its_expiry_on()
    {
        var expires = _clock.GetUtcNow().UtcDateTime.AddMinutes(10);
        var token = TestTokens.Shared.Mint(new Dictionary<string, object> { ["sub"] = "alice" }, expires: expires);
        await ValidateAsync(token);

        _clock.Now = expires.AddSeconds(-1);
        await ValidateAsync(token);
        Assert.Equal(1, _inner.Calls);

        _clock.Now = expires;
        await ValidateAsync(token);
        await ValidateAsync(token);
        Assert.Equal(3, _inner.Calls);
    }

    [Fact]
    public async Task A_token_that_fails_is_never_remembered()
    {
        var forged = TestTokens.Shared.Mint(new Dictionary<string, object> { ["sub"] = "mallory" }, key: new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)));

        var results = new[] { await ValidateAsync(forged), await ValidateAsync(forged) };

        Assert.All(results, result => Assert.False(result.IsValid));
        Assert.Equal(2, _inner.Calls);
        Assert.Equal(0, _cache.Count);
    }

    [Fact]
    public async Task It_holds_no_more_than_its_capacity()
    {
        var tokens = Enumerable.Range(0, ValidatedTokenCache.Capacity + 50).Select(i => TestTokens.Shared.For($"user-{i}")).ToList();

        foreach (var token in tokens)
        {
            Assert.True((await ValidateAsync(token)).IsValid);
        }

        Assert.Equal(ValidatedTokenCache.Capacity, _cache.Count);
        Assert.True((await ValidateAsync(tokens[^1])).IsValid);
    }

    [Fact]
    public async Task Each_request_gets_its_own_copy_of_the_claims()
    {
        var token = TestTokens.Shared.For("alice");
        var first = await ValidateAsync(token);

        first.ClaimsIdentity.AddClaim(new Claim("scope", "todos:admin"));
        var second = await ValidateAsync(token);

        Assert.Null(second.ClaimsIdentity.FindFirst("scope"));
    }

    private Task<TokenValidationResult> ValidateAsync(string token) => _cache.ValidateTokenAsync(token, s_parameters);

    private sealed class CountingHandler : JsonWebTokenHandler
    {
        public int Calls;

        public CountingHandler() => MapInboundClaims = false;

        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            Interlocked.Increment(ref Calls);
            return base.ValidateTokenAsync(token, validationParameters);
        }
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
