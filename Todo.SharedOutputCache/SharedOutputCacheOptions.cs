using System.ComponentModel.DataAnnotations;

namespace Todo.SharedOutputCache;

/// <summary>How the shared Redis output cache behaves, and how it gets out of the way when Redis does not answer.</summary>
public sealed class SharedOutputCacheOptions
{
    public const string SectionName = "OutputCache";

    /// <summary>False serves every request from the application (benchmarks of the uncached path); writes still evict.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a cached response lives; also the bound on staleness when an eviction cannot reach Redis.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan EntryLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest a request waits for any one Redis operation before it goes on without the cache.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:05")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the store is skipped once failures open the circuit; then one probe decides.</summary>
    [Range(typeof(TimeSpan), "00:00:00.5", "00:05:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Operations within <see cref="SamplingDuration"/> before the circuit may open (at half of them failed).</summary>
    [Range(2, 1000)]
    public int MinimumThroughput { get; set; } = 4;

    /// <summary>
    /// The window failures are counted in. Short, because a busy cache's thousands of successes before Redis hung count
    /// against the failures after, and keep the circuit closed (reads waiting out the time limit) for as long.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.5", "00:05:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The largest response body that is cached; a larger one is served, not stored.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaximumBodySize { get; set; } = 1024 * 1024;

    /// <summary>
    /// How many entries one tag (a todo, or every list page together) may have at a time; past it, responses are served
    /// but not stored until a write starts a new generation. Bounds what clients asking for ever new pages can cache.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaximumEntriesPerTag { get; set; } = 1000;

    /// <summary>
    /// Bytes of entries one quota (an owner, as the key names it) may store within each <see cref="EntryLifetime"/>;
    /// past it, that quota's responses are served, not stored, until the window ends, and nobody else's entries make way
    /// for them. As every entry expires within the window, at most twice this is alive at once. Shared by every instance.
    /// </summary>
    [Range(64 * 1024, 1024L * 1024 * 1024)]
    public long MaximumBytesPerQuota { get; set; } = 32 * 1024 * 1024;

    /// <summary>Prefix of every key the store writes, so several applications can share one Redis.</summary>
    /// <remarks>Braces would change which Redis cluster slot a key falls in; the store's keys of one tag must share one.</remarks>
    [Required(AllowEmptyStrings = true)]
    [RegularExpression(@"^[^{}\s]{0,64}$", ErrorMessage = "The key prefix must be at most 64 characters, without braces or spaces.")]
    public string KeyPrefix { get; set; } = "todo/";
}
