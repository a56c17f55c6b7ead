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

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
