using Microsoft.Extensions.Hosting;

namespace Todo.SharedOutputCache;

/// <summary>
/// Every <see cref="Period"/>, invalidates again the tags whose invalidation did not reach Redis, and probes Redis while
/// the store's circuit is open.
/// </summary>
public sealed class SharedOutputCacheRecovery(SharedOutputCacheStore store, TimeProvider clock) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await Task.WhenAll(store.ProbeAsync(), store.RetryFailedInvalidationsAsync());
        }
    }
}
