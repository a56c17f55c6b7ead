namespace Todo.Aws;

/// <summary>How Aurora PostgreSQL runs: Serverless v2 capacity, or provisioned instances of one class.</summary>
public enum DatabaseMode { Serverless, Provisioned }
