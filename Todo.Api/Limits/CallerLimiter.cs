using System.Diagnostics.Metrics;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Todo.Api.Limits;

/// <summary>
/// The per-caller limits: one concurrency limiter per caller for its requests (taken before the shared output cache
/// answers, so cache hits count) and one for its reads that reach PostgreSQL, weighed by the todos they may return.
/// Idle callers' limiters are dropped. Refusals are <c>429</c> problem details with <c>Retry-After</c>, counted in
/// <c>todo.caller.refused</c> by limit.
/// </summary>
public sealed class CallerLimiter : IAsyncDisposable
{
    public const string MeterName = "Todo.CallerLimits";

    private readonly CallerLimitOptions _options;
    private readonly PartitionedRateLimiter<CallerPartition> _requests;
    private readonly PartitionedRateLimiter<CallerPartition> _reads;
    private readonly Counter<long> _refused;

    public CallerLimiter(IOptions<CallerLimitOptions> options, IMeterFactory meters)
    {
        _options = options.Value;
        _requests = Create(_options.Requests, _options.QueuedRequests);
        _reads = Create(_options.Reads, _options.QueuedReads);
        _refused = meters.Create(MeterName).CreateCounter<long>("todo.caller.refused", "{request}",
            "Requests refused with 429 because their caller held its share: of requests in progress, or of reads.");
    }

    /// <summary>A place among the caller's requests in progress; not acquired when its share and queue are full.</summary>
    public ValueTask<RateLimitLease> AcquireRequestAsync(HttpContext context) =>
        _requests.AcquireAsync(CallerPartition.Of(context), 1, context.RequestAborted);

    /// <summary>Places among the caller's reads for a read that may return <paramref name="todos"/> todos.</summary>
    public ValueTask<RateLimitLease> AcquireReadAsync(HttpContext context, int todos) =>
        _reads.AcquireAsync(CallerPartition.Of(context), Math.Clamp((todos + _options.TodosPerRead - 1) / _options.TodosPerRead, 1, _options.Reads),
            context.RequestAborted);

    /// <summary>Answers <c>429</c> with <c>Retry-After</c> and problem details naming the share that is full.</summary>
    public async Task RefuseAsync(HttpContext context, string limit)
    {
        _refused.Add(1, new KeyValuePair<string, object?>("limit", limit));
        var response = context.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = _options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests from this caller",
                Detail = limit == "requests"
                    ? $"This caller already has {_options.Requests} requests in progress and {_options.QueuedRequests} waiting; retry in {_options.RetryAfterSeconds} s."
                    : $"This caller's reads in progress already fill its share of the database; ask for smaller pages, or retry in {_options.RetryAfterSeconds} s.",
            },
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _requests.DisposeAsync();
        await _reads.DisposeAsync();
    }

    private static PartitionedRateLimiter<CallerPartition> Create(int permits, int queued)
    {
        var limits = new ConcurrencyLimiterOptions { PermitLimit = permits, QueueLimit = queued, QueueProcessingOrder = QueueProcessingOrder.OldestFirst };
        return PartitionedRateLimiter.Create<CallerPartition, CallerPartition>(caller => RateLimitPartition.GetConcurrencyLimiter(caller, _ => limits));
    }
}
