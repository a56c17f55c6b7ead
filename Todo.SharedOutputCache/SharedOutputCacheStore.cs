using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using StackExchange.Redis;

namespace Todo.SharedOutputCache;

/// <summary>
/// The output cache shared by every instance, behind a time limit and a circuit breaker, so that Redis can speed
/// requests up but never fail or stall one: a failed lookup serves the request without the cache, a failed store or
/// invalidation is logged and counted, and a failed invalidation is tried again until Redis answers
/// (<see cref="SharedOutputCacheRecovery"/>). Writes call <see cref="InvalidateAsync(string[])"/> once they have committed.
/// Once the circuit has opened, no request waits on Redis: lookups and stores skip it until a background probe
/// (<see cref="ProbeAsync"/>) finds it answering again.
/// </summary>
public sealed partial class SharedOutputCacheStore
{
    private readonly RedisGenerationStore _redis;
    private readonly IDatabase _database;
    private readonly SharedOutputCacheMetrics _metrics;
    private readonly ILogger<SharedOutputCacheStore> _logger;
    private readonly TimeSpan _operationTimeout;
    private readonly TimeSpan _entryLifetime;
    private readonly CircuitBreakerStateProvider _circuit = new();
    private readonly ResiliencePipeline _pipeline;
    private readonly FailedInvalidations _failedInvalidations;

    public SharedOutputCacheStore(IConnectionMultiplexer redis, IOptions<SharedOutputCacheOptions> options,
        SharedOutputCacheMetrics metrics, ILogger<SharedOutputCacheStore> logger, TimeProvider timeProvider)
    {
        var settings = options.Value;
        _redis = new RedisGenerationStore(redis, settings.KeyPrefix, settings.EntryLifetime, settings.MaximumEntriesPerTag, settings.MaximumBytesPerQuota);
        _database = redis.GetDatabase();
        _metrics = metrics;
        _logger = logger;
        _operationTimeout = settings.OperationTimeout;
        _entryLifetime = settings.EntryLifetime;
        _failedInvalidations = new FailedInvalidations(timeProvider, settings.EntryLifetime);
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = settings.MinimumThroughput,
                SamplingDuration = settings.SamplingDuration,
                BreakDuration = settings.BreakDuration,
                StateProvider = _circuit,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(exception => exception is not OperationCanceledException),
                OnOpened = arguments =>
                {
                    LogCircuitOpened(arguments.BreakDuration.TotalSeconds, arguments.Outcome.Exception?.GetType().Name);
                    return default;
                },
                OnClosed = _ =>
                {
                    LogCircuitClosed();
                    return default;
                },
            })
            .Build();
    }

    /// <summary>False while failures keep the store out of the request path.</summary>
    public bool IsAvailable => _circuit.CircuitState is CircuitState.Closed;

    /// <summary>
    /// While the circuit is not closed, a PING through it: once the break has passed the circuit lets it through, and its
    /// answer within the time limit closes the circuit, or its failure opens it again. Requests never probe.
    /// </summary>
    internal async Task ProbeAsync()
    {
        if (IsAvailable)
        {
            return;
        }
        try
        {
            await _pipeline.ExecuteAsync(
                async (state, token) => await state.database.PingAsync().WaitAsync(state.timeout, token),
                (database: _database, timeout: _operationTimeout));
        }
        catch (Exception)
        {
            // Still within the break, or still not answering: the next probe asks again.
        }
    }

    /// <summary>
    /// Makes every entry under each tag stale on every instance, before the caller responds. Not cancellable: once the
    /// database has the write, the stale entries must go even if the client left. Attempted even while the circuit is
    /// open (within the time limit all the same): a skipped invalidation is the one failure that serves stale data.
    /// </summary>
    public Task InvalidateAsync(params string[] tags) => Task.WhenAll(tags.Select(InvalidateAsync));

    private async Task InvalidateAsync(string tag)
    {
        try
        {
            await _redis.InvalidateAsync(tag).WaitAsync(_operationTimeout);
        }
        catch (Exception exception)
        {
            _failedInvalidations.Add(tag);
            _metrics.Failure("invalidate");
            // Once the circuit is open the outage has been reported; the counter goes on counting each write.
            if (IsAvailable)
            {
                LogInvalidationFailed(tag, _entryLifetime.TotalSeconds, exception.GetType().Name, exception.Message);
            }
        }
    }

    /// <summary>Invalidates the tags whose invalidation failed; the first that fails again ends the round (Redis is still away).</summary>
    internal async Task RetryFailedInvalidationsAsync()
    {
        var due = _failedInvalidations.Due();
        if (due.Count == 0 || !await TryInvalidateAgainAsync(due[0]))
        {
            return;
        }
        var retried = await Task.WhenAll(due.Skip(1).Select(TryInvalidateAgainAsync));
        LogInvalidationsRetried(1 + retried.Count(succeeded => succeeded));
    }

    private async Task<bool> TryInvalidateAgainAsync(KeyValuePair<string, DateTimeOffset> failure)
    {
        try
        {
            await _redis.InvalidateAsync(failure.Key).WaitAsync(_operationTimeout);
        }
        catch (Exception)
        {
            return false;
        }
        _failedInvalidations.Resolved(failure);
        return true;
    }

    /// <summary>The entry or the generation of <paramref name="key"/>; <see cref="CacheLookup.Unavailable"/>, never an exception, when Redis cannot say.</summary>
    internal async Task<CacheLookup> LookupAsync(SharedOutputCacheKey key)
    {
        var (succeeded, lookup) = await TryAsync("lookup", () => _redis.LookupAsync(key));
        return succeeded ? lookup : CacheLookup.Unavailable;
    }

    /// <summary>
    /// Stores <paramref name="entry"/> unless a write invalidated its tag after the lookup that returned
    /// <paramref name="generation"/>, the tag already has <see cref="SharedOutputCacheOptions.MaximumEntriesPerTag"/> entries,
    /// or the key's quota has stored <see cref="SharedOutputCacheOptions.MaximumBytesPerQuota"/> within the window.
    /// </summary>
    internal async Task StoreAsync(SharedOutputCacheKey key, long generation, byte[] entry)
    {
        var (succeeded, outcome) = await TryAsync("store", () => _redis.TryStoreAsync(key, generation, entry));
        if (succeeded && outcome is not StoreOutcome.Stored)
        {
            _metrics.StoreRefused(outcome);
        }
    }

    private async Task<(bool Succeeded, T? Value)> TryAsync<T>(string operation, Func<Task<T>> action)
    {
        if (!IsAvailable)
        {
            _metrics.Skipped(operation);
            return (false, default);
        }
        try
        {
            var value = await _pipeline.ExecuteAsync(
                async (state, token) => await state.action().WaitAsync(state.timeout, token),
                (action, timeout: _operationTimeout));
            return (true, value);
        }
        catch (BrokenCircuitException)
        {
            _metrics.Skipped(operation);
            return (false, default);
        }
        catch (Exception exception)
        {
            _metrics.Failure(operation);
            LogOperationFailed(operation, exception.GetType().Name, exception.Message);
            return (false, default);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Output cache store unavailable ({Reason}); serving without it for {Seconds} s.")]
    private partial void LogCircuitOpened(double seconds, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Output cache store answers again; caching resumed.")]
    private partial void LogCircuitClosed();

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Invalidating cache tag {Tag} failed; its entries may be served stale until Redis answers again, for up to {Seconds} s: {ExceptionType}: {ExceptionMessage}")]
    private partial void LogInvalidationFailed(string tag, double seconds, string exceptionType, string exceptionMessage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Invalidated {Count} cache tags whose invalidation had failed.")]
    private partial void LogInvalidationsRetried(int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Output cache {Operation} failed: {ExceptionType}: {ExceptionMessage}")]
    private partial void LogOperationFailed(string operation, string exceptionType, string exceptionMessage);
}
