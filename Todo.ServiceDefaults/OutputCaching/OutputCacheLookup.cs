using StackExchange.Redis;

namespace Todo.ServiceDefaults.OutputCaching;

/// <summary>
/// What a lookup found: a cached response (<see cref="Entry"/>, in a pooled buffer from <see cref="EntryOffset"/> on,
/// which <see cref="LookupFlights"/> hands on to the requests that shared the lookup), or the current <see cref="Generation"/> of the key's tag, which the response computed
/// now may be stored under; neither when the store could not be asked.
/// </summary>
internal readonly record struct OutputCacheLookup(Lease<byte>? Entry, int EntryOffset, long? Generation)
{
    public static readonly OutputCacheLookup Unavailable = default;

    public static OutputCacheLookup Hit(Lease<byte> entry, int offset) => new(entry, offset, null);

    public static OutputCacheLookup Miss(long generation) => new(null, 0, generation);
}
