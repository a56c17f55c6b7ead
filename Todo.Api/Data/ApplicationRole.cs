using Npgsql;

namespace Todo.Api.Data;

/// <summary>Creates and grants <see cref="ApplicationRoleOptions"/>' role, with the schema owner's connection.</summary>
public static class ApplicationRole
{
    /// <summary>Creates the role if it is missing and grants it the rows of every table, now and after later migrations.</summary>
    public static async Task GrantAsync(NpgsqlConnection owner, ApplicationRoleOptions role, CancellationToken cancellationToken)
    {
        var name = role.Name ?? throw new InvalidOperationException("Database:ApplicationRole:Name is not set.");
        await using var transaction = await owner.BeginTransactionAsync(cancellationToken);
        var exists = await ScalarAsync<bool>(owner, "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1)", cancellationToken, name);
        if (!exists)
        {
            var password = role.Password is { Length: >= 16 } given ? given
                : throw new InvalidOperationException($"Role {name} does not exist and Database:ApplicationRole:Password (16 characters or more) is not set to create it.");
            await ExecuteAsync(owner, await ScalarAsync<string>(owner, "SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', $1::text, $2::text)",
                cancellationToken, name, password), cancellationToken);
        }
        var grants = await ScalarAsync<string>(owner, """
            SELECT format('GRANT CONNECT ON DATABASE %I TO %2$I; GRANT USAGE ON SCHEMA public TO %2$I; '
                || 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %2$I; '
                || 'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %2$I; '
                || 'REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "__EFMigrationsHistory" FROM %2$I; '
                || 'REVOKE CREATE ON SCHEMA public FROM PUBLIC', current_database(), $1::text)
            """, cancellationToken, name);
        await ExecuteAsync(owner, grants, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
