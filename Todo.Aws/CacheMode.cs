namespace Todo.Aws;

/// <summary>How ElastiCache runs: a serverless cache, or a replication group of nodes.</summary>
public enum CacheMode { Serverless, Nodes }
