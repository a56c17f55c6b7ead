namespace Todo.SharedOutputCache;

/// <summary>
/// Request coalescing: requests for one key share a lookup, but only one that starts after they arrived. A request that
/// comes while a lookup of its key is under way waits for the next, which starts once that one is back, so every
/// request still reads Redis after any write its client saw acknowledged. At most one lookup per key is under way per
/// instance, so a hot key (a popular first page) costs Redis one read per round trip instead of one per request.
/// </summary>
/// <remarks>
/// Joining the lookup already under way would be faster and wrong: it may have read the entry before a write that the
/// joining client has seen acknowledged. ASP.NET Core's output cache does that, which is why this replaces it.
/// </remarks>
internal sealed class RequestCoalescer(SharedOutputCacheStore store, SharedOutputCacheMetrics metrics)
{
    /// <summary>The keys with a lookup under way, each with the lookup that requests arriving meanwhile will share.</summary>
    private readonly Dictionary<SharedOutputCacheKey, PendingLookup?> _underWay = [];

    /// <summary>What the lookup this request took part in found. The caller disposes a hit's entry.</summary>
    public async Task<CacheLookup> LookupAsync(SharedOutputCacheKey key)
    {
        PendingLookup pending;
        var startsNow = false;
        lock (_underWay)
        {
            if (_underWay.TryGetValue(key, out var next))
            {
                pending = next ?? (_underWay[key] = new PendingLookup());
            }
            else
            {
                pending = new PendingLookup();
                _underWay.Add(key, null);
                startsNow = true;
            }
            pending.Waiters++;
        }
        if (startsNow)
        {
            _ = RunAsync(key, pending);
        }
        return await pending.Result.Task;
    }

    /// <summary>Runs <paramref name="first"/>, then each lookup that requests arriving meanwhile wait for, until none do.</summary>
    private async Task RunAsync(SharedOutputCacheKey key, PendingLookup first)
    {
        for (var current = first; current is not null;)
        {
            // The store turns every failure into Unavailable, so every lookup is answered.
            var lookup = await store.LookupAsync(key);
            current.Complete(lookup, metrics);
            var failed = lookup == CacheLookup.Unavailable;
            lock (_underWay)
            {
                current = _underWay[key];
                if (current is null || failed)
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
                current?.Complete(lookup, metrics);
                return;
            }
        }
    }

    private sealed class PendingLookup
    {
        /// <summary>Changed only under the lock of the keys under way, and only before the lookup starts.</summary>
        public int Waiters { get; set; }

        public TaskCompletionSource<CacheLookup> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Complete(CacheLookup lookup, SharedOutputCacheMetrics metrics)
        {
            if (lookup.Entry is { } entry)
            {
                metrics.Hit(Waiters);
                Result.SetResult(CacheLookup.Hit(entry.SharedBy(Waiters)));
                return;
            }
            if (lookup.Generation is not null)
            {
                metrics.Miss(Waiters);
            }
            Result.SetResult(lookup);
        }
    }
}
