using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Todo.Api.Data;

/// <summary>
/// Whether the database already has every migration this build knows, in one query and without a lock. With nothing to
/// apply, EF Core's migrator still checks the model against its snapshot, creates and locks its history table and reads
/// it twice, behind the lock another instance may hold for minutes while it migrates.
/// </summary>
public static class AppliedMigrations
{
    public static async Task<bool> AreCompleteAsync(DatabaseFacade database, CancellationToken cancellationToken)
    {
        var known = database.GetMigrations().ToList();
        var history = RelationalOptionsExtension.Extract(database.GetService<IDbContextOptions>());
        var table = new[] { history.MigrationsHistoryTableSchema, history.MigrationsHistoryTableName ?? HistoryRepository.DefaultTableName };

        var sql = $"SELECT count(*) FROM {string.Join('.', table.OfType<string>().Select(name => $"\"{name}\""))} WHERE \"MigrationId\" = ANY($1)";
        try
        {
            return await database.OnConnectionAsync(async connection =>
            {
                await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = known.ToArray() } } };
                return (long)(await command.ExecuteScalarAsync(cancellationToken))! == known.Count;
            }, cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidCatalogName)
        {
            return false;
        }
    }
}
