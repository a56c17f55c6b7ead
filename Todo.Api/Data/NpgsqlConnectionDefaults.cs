using System.Data.Common;
using Npgsql;

namespace Todo.Api.Data;

/// <summary>Connection settings the API wants unless the connection string says otherwise, and the parts given beside it.</summary>
/// <remarks>
/// The waits are bounded for a server that stops answering but keeps its sockets open (a failover, a partition that
/// drops packets, a stalled disk, a paused machine), not only for one that refuses. A command that times out after
/// <see cref="WaitSeconds"/> makes Npgsql send PostgreSQL a cancel request on a new connection, synchronously, bounded
/// by the connection timeout (also <see cref="WaitSeconds"/>), and then break the connection instead of waiting for the
/// query to end (Cancellation Timeout -1): the request has its 503 within about twice the wait, and the broken
/// connection never returns to the pool. The pool is capped because each cancel request to a hung server holds a
/// thread-pool thread while it waits: 32 connections leave most of the API's 64 minimum threads to cache hits.
/// </remarks>
public static class NpgsqlConnectionDefaults
{
    /// <summary>The longest a connection attempt, a wait for a pooled connection, a command or a cancel request may take.</summary>
    public const int WaitSeconds = 1;

    /// <summary>Connections per instance; also the most threads a hung server can hold at once.</summary>
    public const int MaxPoolSize = 32;

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
        void Default(string keyword, Action<NpgsqlConnectionStringBuilder> set)
        {
            if (!given.ContainsKey(keyword))
            {
                set(result);
            }
        }

        // Statements run twice are prepared on their connection: PostgreSQL plans them once, Npgsql keeps their row shape.
        Default("Max Auto Prepare", builder => (builder.MaxAutoPrepare, builder.AutoPrepareMinUsages) = (64, 2));
        Default("Timeout", builder => builder.Timeout = WaitSeconds);
        Default("Maximum Pool Size", builder => builder.MaxPoolSize = MaxPoolSize);
        Default("Command Timeout", builder => builder.CommandTimeout = WaitSeconds);
        Default("Cancellation Timeout", builder => builder.CancellationTimeout = -1);
        // An idle pooled connection across a dropped network path is found out within seconds, not hours. A Unix socket
        // (a host that is a directory, as the AppHost's local server gives) crosses no network, and refuses the setting.
        if (result.Host?.StartsWith('/') is not true)
        {
            Default("Tcp Keepalive", builder => (builder.TcpKeepAlive, builder.TcpKeepAliveTime, builder.TcpKeepAliveInterval) = (true, 10, 2));
        }
        return result.ConnectionString;
    }
}
