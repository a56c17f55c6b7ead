using Microsoft.AspNetCore.Http;
using Todo.SharedOutputCache;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Endpoint metadata: <c>GET</c> responses are cached in the shared store under the key <see cref="KeyOf"/> names (none: not cached).</summary>
public sealed record SharedOutputCacheMetadata(Func<HttpRequest, SharedOutputCacheKey?> KeyOf);

public static class SharedOutputCacheEndpointExtensions
{
    /// <summary>
    /// Caches this endpoint's <c>200</c> responses in the shared store, under the key <paramref name="keyOf"/> derives
    /// from the request; a write invalidates them through <see cref="SharedOutputCacheStore.InvalidateAsync(string[])"/> with the key's tag.
    /// </summary>
    public static TBuilder CacheSharedOutput<TBuilder>(this TBuilder builder, Func<HttpRequest, SharedOutputCacheKey?> keyOf)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new SharedOutputCacheMetadata(keyOf));
}
