using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Todo.SharedOutputCache;

namespace Todo.Tests.Caching;

/// <summary>The library's store as the API builds it, over a connection the test chooses, with metrics of its own.</summary>
internal static class TestStores
{
    private static readonly IMeterFactory s_meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();

    public static SharedOutputCacheMetrics Metrics() => new(s_meters);

    public static SharedOutputCacheStore Create(IConnectionMultiplexer redis, SharedOutputCacheOptions options, TimeProvider clock,
        SharedOutputCacheMetrics? metrics = null) =>
        new(redis, Options.Create(options), metrics ?? Metrics(), NullLogger<SharedOutputCacheStore>.Instance, clock);
}
