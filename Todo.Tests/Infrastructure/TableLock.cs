using Npgsql;

namespace Todo.Tests.Infrastructure;

/// <summary>
/// An <c>ACCESS EXCLUSIVE</c> lock on the todos table until disposed: every statement on it waits, so a test knows
/// which requests are in progress when it asks the next.
/// </summary>
public sealed class TableLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly string _connectionString;

    private TableLock(NpgsqlConnection connection, NpgsqlTransaction transaction, string connectionString)
    {
        _connection = connection;
        _transaction = transaction;
        _connectionString = connectionString;
    }

    public static async Task<TableLock> TakeAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("LOCK TABLE todos IN ACCESS EXCLUSIVE MODE", connection, transaction);
        await command.ExecuteNonQueryAsync();
        return new TableLock(connection, transaction, connectionString);
    }

    /// <summary>Until <paramref name="count"/> statements of other sessions wait for the lock.</summary>
    public async Task UntilWaitingAsync(int count) =>
        Assert.True(await Poll.UntilAsync(async () => await Sql.ScalarAsync<long>(_connectionString,
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%todos%' AND pid <> pg_backend_pid()") >= count,
            TimeSpan.FromSeconds(10)), $"{count} statements never waited for the lock");

    public async ValueTask DisposeAsync()
    {
        await _transaction.RollbackAsync();
        await _connection.DisposeAsync();
    }
}
