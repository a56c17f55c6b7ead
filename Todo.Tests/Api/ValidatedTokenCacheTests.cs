using System.Security.Claims;
using Todo.Api.Identity;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>The validated tokens the bearer handler remembers: never past a token's expiry, never beyond capacity, never shared mutably.</summary>
public sealed class ValidatedTokenCacheTests
{
    private readonly ManualClock _clock = new() { Now = DateTimeOffset.UtcNow };
    private readonly ValidatedTokenCache _cache;

    public ValidatedTokenCacheTests() => _cache = new ValidatedTokenCache(_clock);

    private DateTime Now => _clock.GetUtcNow().UtcDateTime;

    private static ClaimsIdentity Identity(string subject) => new([new Claim("sub", subject)], "Bearer");

    [Fact]
    public void A_remembered_token_gives_its_identity_back_until_its_expiry_and_not_from_then_on()
    {
        var expires = Now.AddMinutes(10);
        _cache.Remember("token", Identity("alice"), expires);

        _clock.Now = expires.AddTicks(-1);
        Assert.True(_cache.TryGet("token", out var principal));
        Assert.Equal("alice", principal.FindFirst("sub")?.Value);

        _clock.Now = expires;
        Assert.False(_cache.TryGet("token", out _));
        Assert.Equal(0, _cache.Count);
    }

    [Fact]
    public void A_token_already_expired_or_too_long_is_not_remembered()
    {
        _cache.Remember("expired", Identity("alice"), Now);
        _cache.Remember(new string('t', ValidatedTokenCache.MaxCachedTokenLength + 1), Identity("alice"), Now.AddHours(1));

        Assert.Equal(0, _cache.Count);
    }

    [Fact]
    public void It_holds_no_more_than_its_capacity_and_makes_room_as_tokens_expire()
    {
        for (var i = 0; i < ValidatedTokenCache.Capacity + 50; i++)
        {
            _cache.Remember($"token-{i}", Identity($"user-{i}"), Now.AddMinutes(i < 100 ? 1 : 60));
        }
        Assert.Equal(ValidatedTokenCache.Capacity, _cache.Count);
        Assert.False(_cache.TryGet($"token-{ValidatedTokenCache.Capacity + 10}", out _));

        _clock.Now = Now.AddMinutes(2);
        _cache.Remember("newcomer", Identity("newcomer"), Now.AddMinutes(60));

        Assert.True(_cache.TryGet("newcomer", out _));
        Assert.Equal(ValidatedTokenCache.Capacity - 100 + 1, _cache.Count);
    }

    [Fact]
    public void Each_request_gets_its_own_copy_of_the_identity()
    {
        var validated = Identity("alice");
        _cache.Remember("token", validated, Now.AddHours(1));
        validated.AddClaim(new Claim("scope", "todos:admin"));

        Assert.True(_cache.TryGet("token", out var first));
        ((ClaimsIdentity)first.Identity!).AddClaim(new Claim("scope", "todos:admin"));
        Assert.True(_cache.TryGet("token", out var second));

        Assert.Null(second.FindFirst("scope"));
    }
}
