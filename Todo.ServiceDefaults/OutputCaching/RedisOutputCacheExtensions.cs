using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.OutputCaching.StackExchangeRedis;
using Microsoft.Extensions.Configuration;
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
    /// Output caching on a Redis store shared by every instance of the service: the Aspire Redis client
    /// (tracing, configuration section <c>Aspire:StackExchange:Redis</c>) feeds the Redis
    /// <see cref="IOutputCacheStore"/>, wrapped so that Redis never fails or stalls a request.
    /// Configuration section <c>OutputCache</c> sets <see cref="OutputCacheStoreOptions"/>.
    /// </summary>
    public static TBuilder AddRedisOutputCache<TBuilder>(this TBuilder builder, string connectionName,
        Action<OutputCacheOptions>? configureOptions = null) where TBuilder : IHostApplicationBuilder
    {
        var storeOptions = builder.Configuration.GetSection(OutputCacheStoreOptions.SectionName).Get<OutputCacheStoreOptions>()
            ?? new OutputCacheStoreOptions();

        builder.AddRedisClient(connectionName,
            settings => settings.DisableHealthChecks = true, // replaced by RedisCacheHealthCheck, which degrades instead of failing
            redis =>
            {
                // Requests give up on Redis after OperationTimeout; these caps only bound how long
                // the client itself holds an abandoned command or a start-up connection attempt.
                redis.AbortOnConnectFail = false;
                redis.BacklogPolicy = BacklogPolicy.FailFast;
                redis.ConnectTimeout = Math.Min(redis.ConnectTimeout, 2000);
                redis.AsyncTimeout = Math.Min(redis.AsyncTimeout, 1000);
                redis.SyncTimeout = Math.Min(redis.SyncTimeout, 1000);
                // The default backoff grows with every failed attempt, so a long outage delayed the return of the cache.
                redis.ReconnectRetryPolicy = new LinearRetry(1000);
            });

        builder.Services.AddOptions<OutputCacheStoreOptions>()
            .BindConfiguration(OutputCacheStoreOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddOutputCache(options =>
        {
            options.DefaultExpirationTimeSpan = storeOptions.EntryLifetime;
            configureOptions?.Invoke(options);
        });

        builder.Services.AddStackExchangeRedisOutputCache(options => options.InstanceName = storeOptions.KeyPrefix);
        builder.Services.AddOptions<RedisOutputCacheOptions>().Configure<IServiceProvider>((options, services) =>
            options.ConnectionMultiplexerFactory = () => Task.FromResult(services.GetRequiredService<IConnectionMultiplexer>()));
        builder.Services.Decorate<IOutputCacheStore>((inner, services) =>
            ActivatorUtilities.CreateInstance<ResilientOutputCacheStore>(services, inner));

        builder.Services.AddSingleton<OutputCacheMetrics>();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(OutputCacheMetrics.MeterName));
        builder.Services.AddHealthChecks().AddCheck<RedisCacheHealthCheck>(connectionName, HealthStatus.Degraded);

        return builder;
    }

    /// <summary>The output-caching middleware, unless <c>OutputCache:Enabled</c> is false.</summary>
    public static WebApplication UseRedisOutputCache(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<OutputCacheStoreOptions>>().Value.Enabled)
        {
            app.UseOutputCache();
        }
        return app;
    }

    /// <summary>Replaces the last registration of <typeparamref name="TService"/> with a wrapper around it.</summary>
    private static void Decorate<TService>(this IServiceCollection services, Func<TService, IServiceProvider, TService> decorate)
        where TService : class
    {
        var registration = services.Last(descriptor => descriptor.ServiceType == typeof(TService));
        services.Remove(registration);
        services.Add(ServiceDescriptor.Describe(typeof(TService), provider =>
        {
            var inner = (TService)(registration.ImplementationInstance
                ?? registration.ImplementationFactory?.Invoke(provider)
                ?? ActivatorUtilities.CreateInstance(provider, registration.ImplementationType!));
            return decorate(inner, provider);
        }, registration.Lifetime));
    }
}
