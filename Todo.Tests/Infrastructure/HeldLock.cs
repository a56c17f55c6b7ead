using Npgsql;

namespace Todo.Tests.Infrastructure;

/// <summary>
/// A lock the test holds in PostgreSQL to force the overlap a concurrency test is about: requests that need it wait,
/// the test sees them waiting, then lets them all go at once.
/// </summary>
public sealed class HeldLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly int _backend;
    private readonly string _connectionString;

    private HeldLock(NpgsqlConnection connection, NpgsqlTransaction transaction, int backend, string connectionString)
    {
        _connection = connection;
        _transaction = transaction;
        _backend = backend;
        _connectionString = connectionString;
    }

    /// <summary>Runs <paramref name="lockSql"/> (<c>SELECT … FOR UPDATE</c>, <c>LOCK TABLE …</c>, <c>pg_advisory_xact_lock(…)</c>) in a transaction kept open.</summary>
    public static async Task<HeldLock> TakeAsync(string connectionString, string lockSql, params object[] parameters)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var take = new NpgsqlCommand(lockSql, connection, transaction))
        {
            foreach (var parameter in parameters)
            {
                take.Parameters.Add(new NpgsqlParameter { Value = parameter });
            }
            await take.ExecuteNonQueryAsync();
        }
        await using var backend = new NpgsqlCommand("SELECT pg_backend_pid()", connection, transaction);
        return new HeldLock(connection, transaction, (int)(await backend.ExecuteScalarAsync())!, connectionString);
    }

    /// <summary>Waits until <paramref name="sessions"/> other sessions are blocked behind this lock.</summary>
    public async Task WaitForWaitersAsync(int sessions, TimeSpan? timeout = null)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var waiting = 0L;
        // Behind the lock directly, or behind one that waits for it (a second update of a row queues behind the first).
        await using var count = new NpgsqlCommand("""
            WITH RECURSIVE behind(pid) AS (
                SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))
                UNION
                SELECT waiting.pid FROM pg_stat_activity waiting JOIN behind ON behind.pid = ANY(pg_blocking_pids(waiting.pid)))
            SELECT count(*) FROM behind
            """, connection)
        {
            Parameters = { new() { Value = _backend } },
        };
        if (await Poll.UntilAsync(async () => (waiting = (long)(await count.ExecuteScalarAsync())!) >= sessions, limit, TimeSpan.FromMilliseconds(20)))
        {
            return;
        }
        throw new TimeoutException($"Only {waiting} of {sessions} sessions came to wait behind the lock within {limit.TotalSeconds:N0} s.");
    }

    /// <summary>Lets every waiter go at once.</summary>
    public async ValueTask DisposeAsync()
    {
        await _transaction.CommitAsync();
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
