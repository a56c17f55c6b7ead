using Polly;
using Polly.CircuitBreaker;

namespace Todo.Api.Data;

/// <summary>
/// A circuit breaker on every road to PostgreSQL (the todo endpoints and the health check): once a few requests have
/// waited out their time limit, the next ones fail at once with 503 for <see cref="BreakDuration"/> instead of each
/// waiting too; then one request, or the health check a second later, probes it and a success closes the circuit.
/// Only timeouts count: a refused connection fails at once anyway, and one dead pooled connection after a restart
/// must not turn every request away.
/// </summary>
public sealed partial class DatabaseCircuit
{
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(1);

    private readonly ResiliencePipeline _pipeline;

    public DatabaseCircuit(ILogger<DatabaseCircuit> logger, TimeProvider timeProvider)
    {
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 3,
                SamplingDuration = TimeSpan.FromSeconds(2),
                BreakDuration = BreakDuration,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(DatabaseFailures.IsTimeout),
                OnOpened = arguments =>
                {
                    LogOpened(logger, arguments.Outcome.Exception?.GetType().Name);
                    return default;
                },
                OnClosed = _ =>
                {
                    LogClosed(logger);
                    return default;
                },
            })
            .Build();
    }

    /// <summary>Runs <paramref name="work"/> unless the circuit is open (then throws <see cref="BrokenCircuitException"/>).</summary>
    public ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> work, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(static (work, token) => work(token), work, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL does not answer ({Reason}); requests that need it are refused at once until it does.")]
    private static partial void LogOpened(ILogger logger, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL answers again.")]
    private static partial void LogClosed(ILogger logger);
}
