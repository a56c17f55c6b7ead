using System.ComponentModel.DataAnnotations;

namespace Todo.Api.Limits;

/// <summary>
/// How much of the API one caller may hold at once (section <c>CallerLimits</c>); beyond it the caller is answered
/// <c>429</c>, and everyone else is served as before. A caller is a token's subject, or a client address without a
/// token. The defaults let the bench's 64 connections of one user through without a refusal.
/// </summary>
public sealed class CallerLimitOptions
{
    public const string Section = "CallerLimits";

    /// <summary>Requests of one caller in progress at once, on any todo route, cache hits included.</summary>
    [Range(1, 100_000)]
    public int Requests { get; set; } = 64;

    /// <summary>Requests of one caller waiting for a place, oldest first; beyond them, <c>429</c> at once.</summary>
    [Range(0, 100_000)]
    public int QueuedRequests { get; set; } = 64;

    /// <summary>
    /// Reads one caller may have PostgreSQL answer at once (cache misses), counted in <see cref="TodosPerRead"/>: a
    /// todo is one, a list page of <c>limit</c> todos is <c>limit / TodosPerRead</c> rounded up. The default is half the
    /// server's read bulkhead (<c>Overload:ConcurrencyLimit</c>), so no caller holds more than half of it.
    /// </summary>
    [Range(1, 100_000)]
    public int Reads { get; set; } = 32;

    /// <summary>Reads of one caller waiting for a place, in the same units; beyond them, <c>429</c> at once.</summary>
    [Range(0, 100_000)]
    public int QueuedReads { get; set; } = 32;

    /// <summary>The todos of a list page that count as one read: a page of the default size is one.</summary>
    [Range(1, 1000)]
    public int TodosPerRead { get; set; } = 100;

    /// <summary>What <c>Retry-After</c> tells a refused caller.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 1;
}
