using Npgsql;

namespace Todo.Bench;

/// <summary>Fills the todos table fast, in one INSERT … SELECT, with time-ordered UUIDv7 ids like the API's.</summary>
public sealed class Seeder(string connectionString)
{
    /// <summary>The token subject every seeded todo belongs to: the user of the authenticated rows.</summary>
    public const string User = "bench-user";

    /// <summary>Adds <paramref name="count"/> todos of <see cref="User"/> with e-mail <paramref name="owner"/>; returns their ids, newest first.</summary>
    public async Task<List<Guid>> AddAsync(int count, string owner)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // Milliseconds apart and in the past, so every id sorts before those the API creates during the run.
        const string sql = """
            INSERT INTO todos (todo_id, owner_id, title, description, due_date, status, user_email, created_at, updated_at)
            SELECT (lpad(to_hex((extract(epoch FROM stamp) * 1000)::bigint), 12, '0') || '7'
                    || substr(md5(n::text || random()::text), 1, 3) || '8'
                    || substr(md5(random()::text || n::text), 1, 15))::uuid, $3,
                   'Benchmark todo ' || n, 'Seeded for the benchmark', stamp + interval '7 days',
                   (ARRAY['pending', 'in_progress', 'done'])[1 + (n % 3)::int], $2, stamp, stamp
            FROM (SELECT n, now() - interval '30 days' + n * interval '1 millisecond' AS stamp
                  FROM generate_series((SELECT count(*) FROM todos), (SELECT count(*) FROM todos) + $1 - 1) AS n) AS rows
            """;
        await using (var insert = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 })
        {
            insert.Parameters.AddWithValue(count);
            insert.Parameters.AddWithValue(owner);
            insert.Parameters.AddWithValue(User);
            await insert.ExecuteNonQueryAsync();
        }
        await ScalarAsync("ANALYZE todos");

        var ids = new List<Guid>(count);
        await using var select = new NpgsqlCommand("SELECT todo_id FROM todos WHERE user_email = $1 ORDER BY todo_id DESC", connection);
        select.Parameters.AddWithValue(owner);
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }

    public async Task<long> CountAsync() => (long)(await ScalarAsync("SELECT count(*) FROM todos"))!;

    /// <summary>The id of the todo at <paramref name="position"/> in the API's order (newest first).</summary>
    public async Task<Guid> IdAtAsync(int position) =>
        (Guid)(await ScalarAsync($"SELECT todo_id FROM todos ORDER BY todo_id DESC OFFSET {position} LIMIT 1"))!;

    public Task ClearAsync() => ScalarAsync("TRUNCATE todos");

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        return await command.ExecuteScalarAsync();
    }
}
