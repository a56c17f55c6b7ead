namespace Todo.SharedOutputCache;

/// <summary>
/// Names a cached response. <see cref="Tag"/> is what a write invalidates (<c>todo:{id}</c>, say); <see cref="Variant"/>
/// tells the responses under one tag apart (the parsed query of a list page), so equal requests share one entry;
/// <see cref="Quota"/> is whose allowance of bytes the entry is stored from (its owner's, say), if anyone's.
/// </summary>
/// <remarks>
/// A tag may not contain braces: it becomes the Redis hash tag of its keys, so that an entry and its tag's generation
/// share one cluster slot and one script can read both (ElastiCache Serverless is a cluster).
/// </remarks>
public readonly record struct SharedOutputCacheKey
{
    public SharedOutputCacheKey(string tag, string variant = "", string? quota = null)
    {
        Tag = ValidTag(tag);
        Variant = variant;
        Quota = quota is null ? null : ValidTag(quota);
    }

    public string Tag { get; }

    public string Variant { get; }

    /// <summary>Whose allowance (<see cref="SharedOutputCacheOptions.MaximumBytesPerQuota"/>) the entry counts against; none for null.</summary>
    public string? Quota { get; }

    /// <summary>A tag, or a quota: not empty, and without braces (each becomes the Redis hash tag of its keys).</summary>
    public static string ValidTag(string tag)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        return tag.AsSpan().IndexOfAny('{', '}') < 0 ? tag : throw new ArgumentException($"A cache tag may not contain braces: '{tag}'.", nameof(tag));
    }
}
