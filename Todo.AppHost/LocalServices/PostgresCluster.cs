using Npgsql;

namespace Todo.AppHost.LocalServices;

/// <summary>The on-disk side of a process-mode PostgreSQL: initialised once, reused on every later start.</summary>
internal static class PostgresCluster
{
    private static readonly TimeSpan s_initDbTimeout = TimeSpan.FromMinutes(2);

    public static async Task EnsureInitializedAsync(PostgresProcessResource server, LocalBinaries binaries, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(server.ClusterDirectory, "PG_VERSION")))
        {
            return;
        }

        Directory.CreateDirectory(server.WorkingDirectory);
        var passwordFile = Path.Combine(server.WorkingDirectory, "initdb-password");
        try
        {
            var password = await server.PasswordParameter.GetValueAsync(cancellationToken)
                ?? throw new InvalidOperationException($"The parameter '{server.PasswordParameter.Name}' has no value.");
            await FilePermissions.WriteSecretFileAsync(passwordFile, password, cancellationToken);
            OperatingSystemUser.HandToPostgresAccount(server.WorkingDirectory);

            var (fileName, arguments) = OperatingSystemUser.AsPostgresAccount(binaries.InitDb,
                "-D", server.ClusterDirectory, "-U", PostgresProcessResource.UserName, $"--pwfile={passwordFile}",
                "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "--encoding=UTF8", "--no-locale");
            ExternalCommand.RunOrThrow(fileName, arguments, s_initDbTimeout);
        }
        finally
        {
            File.Delete(passwordFile);
        }
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
