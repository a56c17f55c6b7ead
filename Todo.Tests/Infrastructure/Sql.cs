using Npgsql;

namespace Todo.Tests.Infrastructure;

/// <summary>SQL straight to the tests' PostgreSQL, past the API: to check what it stored, or to set the scene.</summary>
public static class Sql
{
    /// <summary>The first column of the first row; <paramref name="parameters"/> are <c>$1</c>, <c>$2</c>, ….</summary>
    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs <paramref name="sql"/>; <paramref name="parameters"/> are <c>$1</c>, <c>$2</c>, ….</summary>
    public static async Task ExecuteAsync(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// <paramref name="count"/> todos of <paramref name="owner"/> (a token's subject) inserted in one statement, past the
    /// API, for tests that need many and are not about creating them; the API reads them as any other.
    /// </summary>
    public static Task InsertTodosAsync(string connectionString, int count, string owner, string userEmail, string title, string description) =>
        ExecuteAsync(connectionString, """
            INSERT INTO todos (todo_id, owner_id, title, description, due_date, status, user_email, created_at, updated_at)
            SELECT gen_random_uuid(), $1, $2, $3, now(), 'pending', $4, now(), now() FROM generate_series(1, $5)
            """, owner, title, description, userEmail, count);
}
