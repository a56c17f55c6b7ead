namespace Todo.Aws;

/// <summary>The ElastiCache engine: Valkey or Redis OSS, both of which the API speaks to as Redis.</summary>
public enum CacheEngine { Valkey, Redis }
