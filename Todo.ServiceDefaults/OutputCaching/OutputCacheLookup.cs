namespace Todo.ServiceDefaults.OutputCaching;

/// <summary>
/// What a lookup found: a cached response (<see cref="Entry"/>), or the current <see cref="Generation"/> of the key's
/// tag, which the response computed now may be stored under; neither when the store could not be asked.
/// </summary>
internal readonly record struct OutputCacheLookup(byte[]? Entry, long? Generation)
{
    public static readonly OutputCacheLookup Unavailable = default;

    public static OutputCacheLookup Hit(byte[] entry) => new(entry, null);

    public static OutputCacheLookup Miss(long generation) => new(null, generation);
}
