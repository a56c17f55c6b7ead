namespace Todo.Api.Todos;

/// <summary>
/// Every todo response is one caller's: <c>Cache-Control: private</c> forbids shared HTTP caches (a proxy, a CDN) to
/// store it and answer someone else with it (RFC 9111 §5.2.2.7). The API's own cache keys each
/// entry by its caller (<see cref="TodoStore"/>). The header is set before the shared output cache answers, so cache
/// hits and <c>304</c>s carry it too.
/// </summary>
public static class PrivateResponses
{
    /// <summary>Marks the endpoints of <paramref name="builder"/> as answering one caller only.</summary>
    public static TBuilder WithPrivateResponses<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(PrivateResponseMetadata.Instance);

    /// <summary>Sets <c>Cache-Control: private</c> on every response of a marked endpoint; before the output cache.</summary>
    public static IApplicationBuilder UsePrivateResponses(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<PrivateResponseMetadata>() is not null)
        {
            context.Response.Headers.CacheControl = "private";
        }
        return next(context);
    });

    /// <summary>Endpoint metadata: the endpoint's responses are private to their caller.</summary>
    private sealed class PrivateResponseMetadata
    {
        public static PrivateResponseMetadata Instance { get; } = new();
    }
}
