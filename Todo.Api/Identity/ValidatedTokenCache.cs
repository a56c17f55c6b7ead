using System.Collections.Concurrent;
using Microsoft.IdentityModel.Tokens;

namespace Todo.Api.Identity;

/// <summary>
/// Remembers the tokens <paramref name="inner"/> found valid, so that a client sending the same token again is not
/// checked again: the signature check costs more than a cached read. An entry is used only before the token's own
/// expiry (<c>exp</c>, without the clock skew the full check allows), never for a token that failed, and never beyond
/// <see cref="Capacity"/> entries, so forged tokens cannot grow it and an expired token is always checked in full.
/// </summary>
/// <remarks>
/// What is cached is what the check gave: the token's claims. A token stays accepted until it expires even if its
/// signing key is withdrawn meanwhile, as it would on any instance that validates it again from a cached key set.
/// </remarks>
public sealed class ValidatedTokenCache(TokenHandler inner, TimeProvider clock) : TokenHandler
{
    /// <summary>Tokens remembered at most; a token larger than <see cref="MaxCachedTokenLength"/> is checked every time.</summary>
    public const int Capacity = 4096;

    public const int MaxCachedTokenLength = 4096;

    private readonly ConcurrentDictionary<string, Validated> _valid = new(StringComparer.Ordinal);
    private long _nextSweep;

    public override int MaximumTokenSizeInBytes
    {
        get => inner.MaximumTokenSizeInBytes;
        set => inner.MaximumTokenSizeInBytes = value;
    }

    /// <summary>How many tokens are remembered now (expired ones until the next sweep).</summary>
    public int Count => _valid.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (_valid.TryGetValue(token, out var known))
        {
            if (now < known.Expires)
            {
                return new TokenValidationResult
                {
                    IsValid = true,
                    // Each request gets its own copy: one request's changes never reach another's principal.
                    ClaimsIdentity = known.Identity.Clone(),
                    SecurityToken = known.Token,
                    Issuer = known.Token.Issuer,
                    TokenType = known.TokenType,
                };
            }
            _valid.TryRemove(token, out _);
        }

        var result = await inner.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && token.Length <= MaxCachedTokenLength && result.SecurityToken.ValidTo > now && HasRoom(now))
        {
            _valid[token] = new Validated(result.ClaimsIdentity.Clone(), result.SecurityToken, result.TokenType, result.SecurityToken.ValidTo);
        }
        return result;
    }

    public override Task<TokenValidationResult> ValidateTokenAsync(SecurityToken token, TokenValidationParameters validationParameters) =>
        inner.ValidateTokenAsync(token, validationParameters);

    public override SecurityToken ReadToken(string token) => inner.ReadToken(token);

    /// <summary>Full: expired entries go, at most once a second; still full, the token is not remembered.</summary>
    private bool HasRoom(DateTime now)
    {
        if (_valid.Count < Capacity)
        {
            return true;
        }
        var nextSweep = Interlocked.Read(ref _nextSweep);
        if (now.Ticks >= nextSweep && Interlocked.CompareExchange(ref _nextSweep, now.AddSeconds(1).Ticks, nextSweep) == nextSweep)
        {
            foreach (var (token, validated) in _valid)
            {
                if (validated.Expires <= now)
                {
                    _valid.TryRemove(token, out _);
                }
            }
        }
        return _valid.Count < Capacity;
    }

    private sealed record Validated(System.Security.Claims.ClaimsIdentity Identity, SecurityToken Token, string TokenType, DateTime Expires);
}
