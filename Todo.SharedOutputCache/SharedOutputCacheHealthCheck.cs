using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Todo.SharedOutputCache;

/// <summary>
/// Reports the shared cache as Degraded, never Unhealthy, when Redis cannot be reached: the service still
/// answers every request from PostgreSQL, so a load balancer must keep it in rotation.
/// </summary>
public sealed class SharedOutputCacheHealthCheck(IConnectionMultiplexer redis, SharedOutputCacheStore store, IOptions<SharedOutputCacheOptions> options)
    : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!store.IsAvailable)
        {
            return HealthCheckResult.Degraded("Redis failed repeatedly; responses are served without the shared cache.");
        }
        if (!redis.IsConnected)
        {
            return HealthCheckResult.Degraded("Redis is not connected; responses are served without the shared cache.");
        }

        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(options.Value.OperationTimeout, cancellationToken);
            return HealthCheckResult.Healthy($"Redis answered in {latency.TotalMilliseconds:0.0} ms.");
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return HealthCheckResult.Degraded("Redis did not answer in time; responses are served without the shared cache.");
        }
    }
}
