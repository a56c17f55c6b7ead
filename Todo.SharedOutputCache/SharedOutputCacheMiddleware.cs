using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Todo.SharedOutputCache;

/// <summary>
/// Serves <c>GET</c>s of endpoints marked with <see cref="SharedOutputCacheMetadata"/> from the shared store, and stores
/// the <c>200</c> responses it had to compute. A request shares a lookup only with requests that arrived before it began
/// (<see cref="RequestCoalescer"/>), and never shares a computation.
/// </summary>
internal sealed class SharedOutputCacheMiddleware(
    RequestDelegate next, RequestCoalescer lookups, SharedOutputCacheStore store, IOptions<SharedOutputCacheOptions> options, TimeProvider clock)
{
    private readonly long _maximumBodySize = options.Value.MaximumBodySize;

    public Task InvokeAsync(HttpContext context) =>
        HttpMethods.IsGet(context.Request.Method)
        && context.GetEndpoint()?.Metadata.GetMetadata<SharedOutputCacheMetadata>() is { } cached
        && cached.KeyOf(context.Request) is { } key
            ? ServeAsync(context, key)
            : next(context);

    private async Task ServeAsync(HttpContext context, SharedOutputCacheKey key)
    {
        var lookup = await lookups.LookupAsync(key);
        if (lookup.Entry is { } entry)
        {
            using (entry)
            {
                if (CachedResponse.TryDeserialize(entry.Memory, out var cached))
                {
                    await cached.WriteToAsync(context, clock.GetUtcNow());
                    return;
                }
            }
        }
        if (lookup.Generation is not { } generation)
        {
            await next(context);
            return;
        }

        var computed = clock.GetUtcNow();
        var response = context.Response;
        var body = response.Body;
        KeyValuePair<string, StringValues>[]? headers = null;
        var capture = new ResponseBodyCapture(body, _maximumBodySize, () => headers = CachedResponse.CacheableHeaders(response.Headers));
        response.Body = capture;
        try
        {
            await next(context);
            capture.Finish();
        }
        finally
        {
            response.Body = body;
        }

        if (response.StatusCode == StatusCodes.Status200OK && headers is not null && capture.TryGetBody(out var content)
            && new CachedResponse(computed, response.StatusCode, headers, content).Serialize() is { } serialized)
        {
            await store.StoreAsync(key, generation, serialized);
        }
    }
}
