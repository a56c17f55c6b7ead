using System.ComponentModel.DataAnnotations;

namespace Todo.ServiceDefaults.Overload;

/// <summary>
/// How much work the service takes at once before it refuses more. The defaults let bench/run's 64 connections
/// through without a refusal and refuse quickly beyond about three times that.
/// </summary>
public sealed class OverloadOptions
{
    public const string SectionName = "Overload";

    /// <summary>Requests handled at the same time.</summary>
    [Range(1, 100_000)]
    public int ConcurrencyLimit { get; set; } = 64;

    /// <summary>Requests waiting for a slot, oldest first; beyond this they are refused at once.</summary>
    [Range(0, 100_000)]
    public int QueueLimit { get; set; } = 128;

    /// <summary>What <c>Retry-After</c> tells a refused client.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 1;
}
