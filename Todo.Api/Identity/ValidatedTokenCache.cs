using System.Collections.Concurrent;
using System.Security.Claims;

namespace Todo.Api.Identity;

/// <summary>
/// The tokens found valid, with the identity each carries, so that a client sending the same token again skips
/// everything the bearer handler does for a new one (signature, lifetime, issuer and audience checks, and the
/// per-request copy of the validation parameters): together they cost a cached read a quarter of its throughput.
/// An entry is used only before its token's own expiry (<c>exp</c>, without the clock skew the full check allows), only
/// valid tokens are remembered, and never beyond <see cref="Capacity"/> of them, so forged tokens cannot grow it and an
/// expired token is always checked in full.
/// </summary>
/// <remarks>
/// A token stays accepted until it expires even if its signing key is withdrawn meanwhile, as it would on any instance
/// that validates it again from a cached key set.
/// </remarks>
public sealed class ValidatedTokenCache(TimeProvider clock)
{
    /// <summary>Tokens remembered at most; a token longer than <see cref="MaxCachedTokenLength"/> is checked every time.</summary>
    public const int Capacity = 4096;

    public const int MaxCachedTokenLength = 4096;

    private readonly ConcurrentDictionary<string, Validated> _valid = new(StringComparer.Ordinal);
    private long _nextSweep;

    /// <summary>How many tokens are remembered now (expired ones until the next sweep).</summary>
    public int Count => _valid.Count;

    /// <summary>The principal of a remembered token that has not expired; each call gets its own copy of the identity.</summary>
    public bool TryGet(string token, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ClaimsPrincipal? principal)
    {
        principal = null;
        if (!_valid.TryGetValue(token, out var known))
        {
            return false;
        }
        if (clock.GetUtcNow().UtcDateTime >= known.Expires)
        {
            _valid.TryRemove(token, out _);
            return false;
        }
        // One request's changes to its principal never reach another's.
        principal = new ClaimsPrincipal(known.Identity.Clone());
        return true;
    }

    /// <summary>Remembers a token the handler has just validated, until <paramref name="expires"/>, if there is room.</summary>
    public void Remember(string token, ClaimsIdentity identity, DateTime expires)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (token.Length <= MaxCachedTokenLength && expires > now && HasRoom(now))
        {
            _valid[token] = new Validated(identity.Clone(), expires);
        }
    }

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

    private sealed record Validated(ClaimsIdentity Identity, DateTime Expires);
}
