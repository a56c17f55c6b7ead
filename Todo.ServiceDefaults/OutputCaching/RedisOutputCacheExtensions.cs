using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using StackExchange.Redis;
using Todo.ServiceDefaults.OutputCaching;

namespace Microsoft.Extensions.Hosting;

public static class RedisOutputCacheExtensions
{
    /// <summary>
    /// Output caching on a Redis store shared by every instance of the service: the Aspire Redis client (traced when
    /// telemetry is exported; configuration section <c>Aspire:StackExchange:Redis</c>) feeds a
    /// <see cref="SharedOutputCacheStore"/>, which never stores what a write already made stale and never lets Redis fail
    /// or stall a request. Endpoints opt in with <c>CacheSharedOutput</c>; configuration section <c>OutputCache</c> sets
    /// <see cref="OutputCacheStoreOptions"/>.
    /// </summary>
    public static TBuilder AddRedisOutputCache<TBuilder>(this TBuilder builder, string connectionName) where TBuilder : IHostApplicationBuilder
    {
        builder.AddRedisClient(connectionName,
            settings =>
            {
                settings.DisableHealthChecks = true; // replaced by RedisCacheHealthCheck, which degrades instead of failing
                settings.DisableTracing = !builder.IsExportingTelemetry();
            },
            redis =>
            {
                // Requests give up on Redis after OperationTimeout; these caps only bound how long
                // the client itself holds an abandoned command or a start-up connection attempt.
                redis.AbortOnConnectFail = false;
                redis.BacklogPolicy = BacklogPolicy.FailFast;
                redis.ConnectTimeout = Math.Min(redis.ConnectTimeout, 1000);
                redis.AsyncTimeout = Math.Min(redis.AsyncTimeout, 1000);
                redis.SyncTimeout = Math.Min(redis.SyncTimeout, 1000);
                // The default backoff grows with every failed attempt, so a long outage delayed the return of the cache;
                // reconnecting is driven by the heartbeat, so it beats twice a second to bring Redis back within 2 s.
                redis.ReconnectRetryPolicy = new LinearRetry(500);
                redis.HeartbeatInterval = TimeSpan.FromMilliseconds(500);
                // The store needs none of the client's own keys, channels, server settings or introductions, and on AWS
                // its user may not run them: no tie-break key, no configuration channel, no CONFIG or SENTINEL probe at
                // connect, no CLIENT SETINFO naming the library (which servers from Redis 7.2 on know, and would refuse).
                redis.TieBreaker = "";
                redis.ConfigurationChannel = "";
                redis.SetClientLibrary = false;
                redis.CommandMap = CommandMap.Create(new HashSet<string> { "CONFIG", "SENTINEL" }, available: false);
                foreach (var (keyword, value) in ConnectionStringParts.Of(builder.Configuration, connectionName))
                {
                    switch (keyword.ToLowerInvariant())
                    {
                        case "user":
                            redis.User = value;
                            break;
                        case "password":
                            redis.Password = value;
                            break;
                        default:
                            throw new InvalidOperationException($"ConnectionStrings:{connectionName}:{keyword} is not a part this Redis client takes (user, password).");
                    }
                }
            });

        builder.Services.AddOptions<OutputCacheStoreOptions>()
            .BindConfiguration(OutputCacheStoreOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton<SharedOutputCacheStore>();
        builder.Services.AddSingleton<LookupFlights>();
        builder.Services.AddHostedService<CacheRecovery>();
        builder.Services.AddSingleton<OutputCacheMetrics>();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(OutputCacheMetrics.MeterName));
        builder.Services.AddHealthChecks().AddCheck<RedisCacheHealthCheck>(connectionName, HealthStatus.Degraded);

        return builder;
    }

    /// <summary>The shared output cache in front of the endpoints that opt in, unless <c>OutputCache:Enabled</c> is false.</summary>
    public static WebApplication UseRedisOutputCache(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<OutputCacheStoreOptions>>().Value.Enabled)
        {
            app.UseMiddleware<SharedOutputCacheMiddleware>();
        }
        return app;
    }
}
