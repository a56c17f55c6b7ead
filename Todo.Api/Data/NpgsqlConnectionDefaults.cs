using System.Data.Common;
using Npgsql;

namespace Todo.Api.Data;

/// <summary>Connection settings the API wants unless the connection string says otherwise, and the parts given beside it.</summary>
public static class NpgsqlConnectionDefaults
{
    /// <param name="parts">Keywords given on their own (<see cref="ConnectionStringParts"/>): they complete the connection string.</param>
    public static string? Apply(string? connectionString, IReadOnlyDictionary<string, string> parts)
    {
        if (string.IsNullOrEmpty(connectionString))
        {
            return connectionString;
        }

        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var result = new NpgsqlConnectionStringBuilder(connectionString);
        foreach (var (keyword, value) in parts)
        {
            result[keyword] = value;
        }
        // Statements run twice are prepared on their connection: PostgreSQL plans them once, Npgsql keeps their row shape.
        if (!given.ContainsKey("Max Auto Prepare"))
        {
            result.MaxAutoPrepare = 64;
            result.AutoPrepareMinUsages = 2;
        }
        // Fail fast when PostgreSQL does not answer, rather than after Npgsql's default 15 s.
        if (!given.ContainsKey("Timeout"))
        {
            result.Timeout = 3;
        }
        return result.ConnectionString;
    }
}
