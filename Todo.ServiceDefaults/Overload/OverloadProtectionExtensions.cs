using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Todo.ServiceDefaults.Overload;

/// <summary>
/// Concurrency limiters with short queues, one for reads and one for writes, in front of every endpoint but
/// <c>/alive</c> and <c>/health</c>: under overload the excess is refused quickly with 503 and <c>Retry-After</c>, while
/// the health endpoints, which a load balancer uses to decide whether to kill the task, are never queued or refused.
/// </summary>
public static class OverloadProtectionExtensions
{
    public static TBuilder AddOverloadProtection<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<OverloadOptions>()
            .BindConfiguration(OverloadOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<OverloadOptions>>((limiter, overload) =>
        {
            var settings = overload.Value;
            var limits = new ConcurrencyLimiterOptions
            {
                PermitLimit = settings.ConcurrencyLimit,
                QueueLimit = settings.QueueLimit,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            };
            // Reads and writes are separate bulkheads: writes waiting on a stalled database or cache cannot take the
            // places reads need (cache hits are served before the limiter and need none).
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                Extensions.IsHealthEndpoint(context.Request.Path) ? RateLimitPartition.GetNoLimiter("health")
                : HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
                    ? RateLimitPartition.GetConcurrencyLimiter("reads", _ => limits)
                    : RateLimitPartition.GetConcurrencyLimiter("writes", _ => limits));
            limiter.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            limiter.OnRejected = (rejection, cancellationToken) =>
                WriteRefusalAsync(rejection.HttpContext, settings.RetryAfterSeconds, cancellationToken);
        });
        return builder;
    }

    private static async ValueTask WriteRefusalAsync(HttpContext context, int retryAfterSeconds, CancellationToken cancellationToken)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        var problems = context.RequestServices.GetService<IProblemDetailsService>();
        if (problems is not null)
        {
            await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "The service is busy",
                    Detail = $"Too many requests are in progress; retry in {retryAfterSeconds} s.",
                },
            });
        }
    }
}
