using Aspire.StackExchange.Redis;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using StackExchange.Redis;
using Todo.SharedOutputCache;

namespace Microsoft.Extensions.Hosting;

public static class SharedOutputCacheExtensions
{
    /// <summary>
    /// Output caching on a Redis store shared by every instance of the service: the Aspire Redis client (configuration
    /// section <c>Aspire:StackExchange:Redis</c>, then <paramref name="configureSettings"/>) feeds a
    /// <see cref="SharedOutputCacheStore"/>, which never stores what a write already made stale and never lets Redis fail
    /// or stall a request. Endpoints opt in with <c>CacheSharedOutput</c>; configuration section <c>OutputCache</c> sets
    /// <see cref="SharedOutputCacheOptions"/>. The user and password may arrive on their own, beside the connection
    /// string (<c>ConnectionStrings:{connectionName}:password</c>), as the secrets that rotation updates arrive.
    /// </summary>
    public static TBuilder AddSharedOutputCache<TBuilder>(this TBuilder builder, string connectionName,
        Action<StackExchangeRedisSettings>? configureSettings = null) where TBuilder : IHostApplicationBuilder
    {
        builder.AddRedisClient(connectionName,
            settings =>
            {
                configureSettings?.Invoke(settings);
                settings.DisableHealthChecks = true; // replaced by SharedOutputCacheHealthCheck, which degrades instead of failing
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
                foreach (var part in builder.Configuration.GetSection("ConnectionStrings").GetSection(connectionName).GetChildren())
                {
                    var (keyword, value) = (part.Key, part.Value);
                    if (value is null)
                    {
                        continue;
                    }
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

        builder.Services.AddOptions<SharedOutputCacheOptions>()
            .BindConfiguration(SharedOutputCacheOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton<SharedOutputCacheStore>();
        builder.Services.AddSingleton<RequestCoalescer>();
        builder.Services.AddHostedService<SharedOutputCacheRecovery>();
        builder.Services.AddSingleton<SharedOutputCacheMetrics>();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(SharedOutputCacheMetrics.MeterName));
        builder.Services.AddHealthChecks().AddCheck<SharedOutputCacheHealthCheck>(connectionName, HealthStatus.Degraded);

        return builder;
    }

    /// <summary>The shared output cache in front of the endpoints that opt in, unless <c>OutputCache:Enabled</c> is false.</summary>
    public static WebApplication UseSharedOutputCache(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<SharedOutputCacheOptions>>().Value.Enabled)
        {
            app.UseMiddleware<SharedOutputCacheMiddleware>();
        }
        return app;
    }
}
