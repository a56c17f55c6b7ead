using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Todo.ServiceDefaults.HealthChecks;
using Todo.ServiceDefaults.Overload;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every Todo service gets: OpenTelemetry, health checks, service discovery and HttpClient resilience.
/// Shaped like the Aspire template, except that the health endpoints are mapped in every environment,
/// because the load balancer in front of the service needs them.
/// </summary>
public static class Extensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";
    private const string LiveTag = "live";
    private static readonly TimeSpan HealthCheckTimeout = TimeSpan.FromSeconds(1);

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();

        builder.AddDefaultHealthChecks();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddOverloadProtection();

        builder.Services.AddServiceDiscovery();

        // Say nothing about the server software to clients.
        builder.Services.Configure<KestrelServerOptions>(options => options.AddServerHeader = false);

        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var exporting = builder.IsExportingTelemetry();
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation())
            .WithTracing(tracing =>
            {
                tracing
                    .AddSource(builder.Environment.ApplicationName)
                    .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsHealthEndpoint(context.Request.Path))
                    .AddHttpClientInstrumentation();
                // Without an exporter, spans nobody receives would cost an allocation and a profiling session per request.
                tracing.SetSampler(exporting ? RequestTracesSampler.Create(TraceSampleRatio(builder.Configuration)) : new AlwaysOffSampler());
            });

        if (exporting && builder.Configuration["OTEL_LOGS_EXPORTER"] == "none")
        {
            // Logs already leave by another way (on ECS, the container's log driver): only metrics and traces over OTLP.
            builder.Services.AddOpenTelemetry()
                .WithMetrics(metrics => metrics.AddOtlpExporter())
                .WithTracing(tracing => tracing.AddOtlpExporter());
        }
        else if (exporting)
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>The share of requests traced: <c>OTEL_TRACES_SAMPLER_ARG</c>, from 0 to 1; all of them without it.</summary>
    private static double TraceSampleRatio(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        configuration["OTEL_TRACES_SAMPLER_ARG"] is { } text
            ? double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var ratio) && ratio is >= 0 and <= 1
                ? ratio
                : throw new InvalidOperationException($"OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1; got '{text}'.")
            : 1;

    /// <summary>
    /// Whether telemetry leaves the process (an OTLP endpoint is set, as the AppHost does for the dashboard). Without it
    /// the clients' own tracing stays off: a client that traces profiles every command, at a cost in latency and memory
    /// (bench/results/README.md) for spans nobody receives.
    /// </summary>
    public static bool IsExportingTelemetry(this IHostApplicationBuilder builder) =>
        !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

        // /health serves the latest report, refreshed in the background, so a probe never waits on a dependency.
        builder.Services.AddSingleton<LatestHealthReport>();
        builder.Services.AddSingleton<IHealthCheckPublisher>(services => services.GetRequiredService<LatestHealthReport>());
        builder.Services.Configure<HealthCheckPublisherOptions>(options =>
        {
            options.Delay = TimeSpan.Zero;
            options.Period = LatestHealthReport.RefreshPeriod;
        });

        // A dependency that stops answering must make /health say so, not hang it.
        builder.Services.PostConfigure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations.Where(registration => registration.Timeout == Timeout.InfiniteTimeSpan))
            {
                registration.Timeout = HealthCheckTimeout;
            }
        });

        return builder;
    }

    /// <summary>
    /// <c>/alive</c> answers while the process can serve (no dependency is asked);
    /// <c>/health</c> answers the status of every dependency together, from a report at most a few seconds old.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapGet(HealthEndpointPath, (HttpContext context, LatestHealthReport health) => health.WriteAsync(context))
            .ExcludeFromDescription()
            .DisableHttpMetrics();

        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(LiveTag),
        }).DisableHttpMetrics();

        return app;
    }

    internal static bool IsHealthEndpoint(PathString path) =>
        path.StartsWithSegments(HealthEndpointPath) || path.StartsWithSegments(AlivenessEndpointPath);
}
