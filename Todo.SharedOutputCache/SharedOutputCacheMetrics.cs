using System.Diagnostics.Metrics;

namespace Todo.SharedOutputCache;

/// <summary>Counts what the shared output-cache store did for requests: hits, misses, refused stores, failures and skips.</summary>
public sealed class SharedOutputCacheMetrics
{
    public const string MeterName = "Todo.OutputCache";

    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _skipped;
    private readonly Counter<long> _storesRefused;

    public SharedOutputCacheMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _hits = meter.CreateCounter<long>("todo.output_cache.hits", "{request}", "Requests answered from the shared store.");
        _misses = meter.CreateCounter<long>("todo.output_cache.misses", "{request}", "Requests the shared store had no entry for.");
        _failures = meter.CreateCounter<long>("todo.output_cache.failures", "{operation}", "Store operations that failed or timed out.");
        _skipped = meter.CreateCounter<long>("todo.output_cache.skipped", "{operation}", "Store operations not attempted while the circuit was open.");
        _storesRefused = meter.CreateCounter<long>("todo.output_cache.stores_refused", "{entry}",
            "Responses not stored: a write invalidated their tag while they were computed (stale), the tag holds its maximum (full), or their quota has stored its bytes for now (over_quota).");
    }

    public void Hit(int requests) => _hits.Add(requests);

    public void Miss(int requests) => _misses.Add(requests);

    public void Failure(string operation) => _failures.Add(1, new KeyValuePair<string, object?>("operation", operation));

    internal void StoreRefused(StoreOutcome reason) =>
        _storesRefused.Add(1, new KeyValuePair<string, object?>("reason", reason switch
        {
            StoreOutcome.Full => "full",
            StoreOutcome.OverQuota => "over_quota",
            _ => "stale",
        }));

    public void Skipped(string operation) => _skipped.Add(1, new KeyValuePair<string, object?>("operation", operation));
}
