using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;

namespace Todo.ServiceDefaults.OutputCaching;

/// <summary>
/// Puts a time limit and a circuit breaker around the shared store, so that Redis can speed requests up
/// but never fail or stall one: a failed read is a miss, a failed write or eviction is logged and counted.
/// </summary>
/// <remarks>
/// Only <see cref="IOutputCacheStore"/> is implemented, not the buffer-based store interfaces: an operation
/// abandoned at its time limit must never touch a buffer the middleware has already reused.
/// </remarks>
public sealed partial class ResilientOutputCacheStore : IOutputCacheStore
{
    private readonly IOutputCacheStore _inner;
    private readonly OutputCacheMetrics _metrics;
    private readonly ILogger<ResilientOutputCacheStore> _logger;
    private readonly TimeSpan _operationTimeout;
    private readonly CircuitBreakerStateProvider _circuit = new();
    private readonly ResiliencePipeline _pipeline;

    public ResilientOutputCacheStore(IOutputCacheStore inner, IOptions<OutputCacheStoreOptions> options,
        OutputCacheMetrics metrics, ILogger<ResilientOutputCacheStore> logger, TimeProvider timeProvider)
    {
        _inner = inner;
        _metrics = metrics;
        _logger = logger;
        var settings = options.Value;
        _operationTimeout = settings.OperationTimeout;
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
    public bool IsAvailable => _circuit.CircuitState is CircuitState.Closed or CircuitState.HalfOpen;

    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var (succeeded, value) = await TryAsync("get", token => _inner.GetAsync(key, token).AsTask(), cancellationToken);
        if (succeeded)
        {
            if (value is null)
            {
                _metrics.Miss();
            }
            else
            {
                _metrics.Hit();
            }
        }
        return value;
    }

    public async ValueTask SetAsync(string key, byte[] value, string[]? tags, TimeSpan validFor, CancellationToken cancellationToken) =>
        await TryAsync("set", token => Completed(_inner.SetAsync(key, value, tags, validFor, token)), cancellationToken);

    public async ValueTask EvictByTagAsync(string tag, CancellationToken cancellationToken) =>
        await TryAsync("evict", token => Completed(_inner.EvictByTagAsync(tag, token)), cancellationToken);

    private async Task<(bool Succeeded, T? Value)> TryAsync<T>(
        string operation, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            var value = await _pipeline.ExecuteAsync(
                async token => await action(token).WaitAsync(_operationTimeout, token), cancellationToken);
            return (true, value);
        }
        catch (BrokenCircuitException)
        {
            _metrics.Skipped(operation);
            return (false, default);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            _metrics.Failure(operation);
            LogOperationFailed(operation, exception.GetType().Name, exception.Message);
            return (false, default);
        }
    }

    private static async Task<bool> Completed(ValueTask operation)
    {
        await operation;
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Output cache store unavailable ({Reason}); serving without it for {Seconds} s.")]
    private partial void LogCircuitOpened(double seconds, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Output cache store answers again; caching resumed.")]
    private partial void LogCircuitClosed();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Output cache {Operation} failed: {ExceptionType}: {ExceptionMessage}")]
    private partial void LogOperationFailed(string operation, string exceptionType, string exceptionMessage);
}
