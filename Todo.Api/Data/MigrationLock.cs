using Npgsql;

namespace Todo.Api.Data;

/// <summary>
/// A PostgreSQL session advisory lock held around migrations, so instances starting together migrate one after the
/// other: EF Core's own migration lock does not stop a second instance re-applying what the first just applied.
/// </summary>
public sealed class MigrationLock : IAsyncDisposable
{
    public const long LockKey = 0x746f646f_6d696772; // "todomigr"
    private readonly NpgsqlConnection _connection;

    private MigrationLock(NpgsqlConnection connection) => _connection = connection;

    public static async Task<MigrationLock> AcquireAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(connectionString, cancellationToken);
        // Waits while another instance migrates, which may take longer than any request's time limit.
        await using var command = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection)
        {
            Parameters = { new() { Value = LockKey } },
            CommandTimeout = (int)TodoDatabaseExtensions.MigrationCommandTimeout.TotalSeconds,
        };
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new MigrationLock(connection);
    }

    /// <summary>Closing the session releases the lock.</summary>
    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    // The database itself may not exist yet (EF creates it); the maintenance database always does.
    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        try
        {
            var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            builder.Database = "postgres";
            var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
    }
}
