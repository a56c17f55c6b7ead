using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Todo.Hosting.LocalServices;

/// <summary>
/// The on-disk side of a process-mode PostgreSQL: initialised once, reused on every later start, and kept in step
/// with the password parameter (which lives in the AppHost's user secrets and can be reset there).
/// </summary>
internal static class PostgresCluster
{
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromMinutes(2);

    public static async Task EnsureInitializedAsync(PostgresProcessResource server, LocalBinaries binaries, CancellationToken cancellationToken)
    {
        var password = await server.PasswordParameter.GetValueAsync(cancellationToken)
            ?? throw new InvalidOperationException($"The parameter '{server.PasswordParameter.Name}' has no value.");
        var marker = Path.Combine(server.WorkingDirectory, "password.sha256");
        var fingerprint = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(password)));

        if (!File.Exists(Path.Combine(server.ClusterDirectory, "PG_VERSION")))
        {
            await InitializeAsync(server, binaries, password, cancellationToken);
        }
        else if (!File.Exists(marker) || await File.ReadAllTextAsync(marker, cancellationToken) != fingerprint)
        {
            SetPassword(server, binaries, password);
        }

        await FilePermissions.WriteSecretFileAsync(marker, fingerprint, cancellationToken);
    }

    private static async Task InitializeAsync(PostgresProcessResource server, LocalBinaries binaries, string password, CancellationToken cancellationToken)
    {
        var passwordFile = Path.Combine(server.WorkingDirectory, "initdb-password");
        try
        {
            await FilePermissions.WriteSecretFileAsync(passwordFile, password, cancellationToken);
            server.Account.TakeOwnership(passwordFile);

            var (fileName, arguments) = server.Account.Command(binaries.InitDb,
                "-D", server.ClusterDirectory, "-U", PostgresProcessResource.UserName, $"--pwfile={passwordFile}",
                "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "--encoding=UTF8", "--no-locale");
            ExternalCommand.RunOrThrow(fileName, arguments, s_commandTimeout);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    /// <summary>Sets a new password on the stopped cluster, through single-user mode: no connection, no old password.</summary>
    private static void SetPassword(PostgresProcessResource server, LocalBinaries binaries, string password)
    {
        var (fileName, arguments) = server.Account.Command(binaries.Postgres,
            "--single", "-D", server.ClusterDirectory, "postgres");
        var statement = $"ALTER ROLE {PostgresProcessResource.UserName} WITH PASSWORD '{password.Replace("'", "''", StringComparison.Ordinal)}';\n";
        ExternalCommand.RunOrThrow(fileName, arguments, s_commandTimeout, standardInput: statement);
    }

    public static async Task CreateDatabasesAsync(PostgresProcessResource server, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(await MaintenanceConnectionStringAsync(server, cancellationToken));
        await connection.OpenAsync(cancellationToken);
        foreach (var databaseName in server.Databases.Values)
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection)
            {
                Parameters = { new() { Value = databaseName } },
            };
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            {
                continue;
            }

            var quotedName = new NpgsqlCommandBuilder().QuoteIdentifier(databaseName);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {quotedName}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>A non-pooled connection string to <paramref name="database"/>, so a restarted server is seen at once.</summary>
    public static async Task<string> MaintenanceConnectionStringAsync(
        PostgresProcessResource server, CancellationToken cancellationToken, string database = "postgres")
    {
        var connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken)
            ?? throw new InvalidOperationException($"'{server.Name}' has no connection string yet.");
        return new NpgsqlConnectionStringBuilder(connectionString)
        {
            Database = database,
            Pooling = false,
            Timeout = 3,
        }.ConnectionString;
    }
}
