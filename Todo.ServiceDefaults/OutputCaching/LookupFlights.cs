using StackExchange.Redis;

namespace Todo.ServiceDefaults.OutputCaching;

/// <summary>
/// Requests for one key share a lookup, but only one that sets off after they arrived: a request that comes while a
/// lookup of its key is under way waits for the next, which starts once that one is back, so every request still reads
/// Redis after any write its client saw acknowledged. At most one lookup per key is under way per instance, so a hot
/// key (a popular first page) costs Redis one read per round trip instead of one per request.
/// </summary>
/// <remarks>
/// Joining the lookup already under way would be faster and wrong: it may have read the entry before a write that the
/// joining client has seen acknowledged. ASP.NET Core's output cache does that, which is why this replaces it.
/// </remarks>
internal sealed class LookupFlights(SharedOutputCacheStore store, OutputCacheMetrics metrics)
{
    /// <summary>The keys with a lookup under way, each with the lookup that requests arriving meanwhile will share.</summary>
    private readonly Dictionary<OutputCacheKey, Flight?> _underWay = [];

    /// <summary>What the lookup this request took part in found. The caller disposes a hit's entry.</summary>
    public async Task<SharedLookup> LookupAsync(OutputCacheKey key)
    {
        Flight flight;
        var departsNow = false;
        lock (_underWay)
        {
            if (_underWay.TryGetValue(key, out var boarding))
            {
                flight = boarding ?? (_underWay[key] = new Flight());
            }
            else
            {
                flight = new Flight();
                _underWay.Add(key, null);
                departsNow = true;
            }
            flight.Passengers++;
        }
        if (departsNow)
        {
            _ = FlyAsync(key, flight);
        }
        return await flight.Landed.Task;
    }

    private async Task FlyAsync(OutputCacheKey key, Flight flight)
    {
        for (var next = flight; next is not null;)
        {
            // The store turns every failure into Unavailable, so the loop always lands its flight.
            var lookup = await store.LookupAsync(key);
            next.Land(lookup, metrics);
            var failed = lookup is { Entry: null, Generation: null };
            lock (_underWay)
            {
                next = _underWay[key];
                if (next is null || failed)
                {
                    _underWay.Remove(key);
                }
                else
                {
                    _underWay[key] = null;
                }
            }
            if (failed)
            {
                // Redis did not answer the lookup they waited behind: they are served without it rather than wait its time limit again.
                next?.Land(lookup, metrics);
                return;
            }
        }
    }

    private sealed class Flight
    {
        /// <summary>Changed only under the lock of the keys under way, and only before the flight sets off.</summary>
        public int Passengers { get; set; }

        public TaskCompletionSource<SharedLookup> Landed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Land(OutputCacheLookup lookup, OutputCacheMetrics metrics)
        {
            if (lookup.Entry is { } entry)
            {
                metrics.Hit(Passengers);
                Landed.SetResult(new SharedLookup(new SharedEntry(entry, lookup.EntryOffset, Passengers), null));
            }
            else
            {
                if (lookup.Generation is not null)
                {
                    metrics.Miss(Passengers);
                }
                Landed.SetResult(new SharedLookup(null, lookup.Generation));
            }
        }
    }
}

/// <summary>
/// A cached response (<see cref="Entry"/>), or the current <see cref="Generation"/> of the key's tag, which the response
/// computed now may be stored under; neither when the store could not be asked.
/// </summary>
internal readonly record struct SharedLookup(SharedEntry? Entry, long? Generation);

/// <summary>An entry in a pooled buffer read by several requests: returned to the pool once each has disposed of it.</summary>
internal sealed class SharedEntry(Lease<byte> lease, int offset, int readers) : IDisposable
{
    private int _readers = readers;

    public ReadOnlyMemory<byte> Memory => lease.Memory[offset..];

    public void Dispose()
    {
        if (Interlocked.Decrement(ref _readers) == 0)
        {
            lease.Dispose();
        }
    }
}
