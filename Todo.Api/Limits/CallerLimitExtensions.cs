using System.Threading.RateLimiting;
using OpenTelemetry.Metrics;

namespace Todo.Api.Limits;

public static class CallerLimitExtensions
{
    public static IHostApplicationBuilder AddCallerLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CallerLimitOptions>().BindConfiguration(CallerLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<CallerLimiter>();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(CallerLimiter.MeterName));
        return builder;
    }

    /// <summary>Limits the endpoints of <paramref name="builder"/> per caller (<see cref="UseCallerLimits"/>, <see cref="UseCallerReadLimits"/>).</summary>
    public static TBuilder WithCallerLimits<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(CallerLimitMetadata.Instance);

    /// <summary>How many todos a read of this endpoint may return, for its caller's share of reads; one unless it says.</summary>
    public static TBuilder WithReadSize<TBuilder>(this TBuilder builder, Func<HttpRequest, int> todos) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ReadSizeMetadata(todos));

    /// <summary>
    /// A place among its caller's requests in progress for every request to a limited endpoint: after authorization,
    /// which tells the caller, and before the output cache, so that hits count.
    /// </summary>
    public static IApplicationBuilder UseCallerLimits(this IApplicationBuilder app) =>
        app.Use((context, next) => context.GetEndpoint()?.Metadata.GetMetadata<CallerLimitMetadata>() is null
            ? next(context)
            : WithinAsync(context, next, "requests", context.RequestServices.GetRequiredService<CallerLimiter>().AcquireRequestAsync(context)));

    /// <summary>
    /// Places among its caller's reads for a <c>GET</c> the output cache did not answer: after the cache and before
    /// the server's own bulkheads, so that a caller waiting for its share holds none of theirs.
    /// </summary>
    public static IApplicationBuilder UseCallerReadLimits(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (!HttpMethods.IsGet(context.Request.Method) || context.GetEndpoint() is not { } endpoint
                || endpoint.Metadata.GetMetadata<CallerLimitMetadata>() is null)
            {
                return next(context);
            }
            var todos = endpoint.Metadata.GetMetadata<ReadSizeMetadata>()?.Todos(context.Request) ?? 1;
            return WithinAsync(context, next, "reads", context.RequestServices.GetRequiredService<CallerLimiter>().AcquireReadAsync(context, todos));
        });

    private static async Task WithinAsync(HttpContext context, RequestDelegate next, string limit, ValueTask<RateLimitLease> acquiring)
    {
        using var lease = await acquiring;
        if (!lease.IsAcquired)
        {
            await context.RequestServices.GetRequiredService<CallerLimiter>().RefuseAsync(context, limit);
            return;
        }
        await next(context);
    }

    private sealed class CallerLimitMetadata
    {
        public static CallerLimitMetadata Instance { get; } = new();
    }

    private sealed record ReadSizeMetadata(Func<HttpRequest, int> Todos);
}
