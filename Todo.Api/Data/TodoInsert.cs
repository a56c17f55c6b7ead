using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Todo.Api.Todos;

namespace Todo.Api.Data;

/// <summary>Inserts a new todo and answers its row version, or null when another todo already has its <c>Idempotency-Key</c>.</summary>
public interface ITodoInserter
{
    Task<uint?> InsertAsync(TodoItem todo);
}

/// <summary>
/// The one statement that inserts todos, any number at once: the rows travel as one array per column, so the text and
/// its plan stay the same whatever the count. A row whose <c>Idempotency-Key</c> is taken is left out instead of
/// failing the others; the rows it returns are the ones inserted.
/// </summary>
public static class TodoInsert
{
    // The table and columns of TodoItemConfiguration.
    private const string Sql = """
        INSERT INTO todos (todo_id, title, description, due_date, status, user_email, created_at, updated_at, idempotency_key, idempotency_fingerprint)
        SELECT * FROM unnest(@ids, @titles, @descriptions, @due_dates, @statuses, @user_emails, @created, @updated, @keys, @fingerprints)
        ON CONFLICT (idempotency_key) DO NOTHING
        RETURNING todo_id, xmin
        """;

    /// <summary>The version of each todo inserted, by id; <paramref name="transaction"/> when the caller has one open.</summary>
    public static async Task<Dictionary<Guid, uint>> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        IReadOnlyList<TodoItem> todos, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand(Sql, connection, transaction);
        command.Parameters.AddWithValue("ids", todos.Select(todo => todo.Id).ToArray());
        command.Parameters.AddWithValue("titles", todos.Select(todo => todo.Title).ToArray());
        command.Parameters.AddWithValue("descriptions", todos.Select(todo => todo.Description).ToArray());
        command.Parameters.AddWithValue("due_dates", todos.Select(todo => todo.DueDate).ToArray());
        command.Parameters.AddWithValue("statuses", todos.Select(todo => TodoStatusNames.ToName(todo.Status)).ToArray());
        command.Parameters.AddWithValue("user_emails", todos.Select(todo => todo.UserEmail).ToArray());
        command.Parameters.AddWithValue("created", todos.Select(todo => todo.CreatedAt).ToArray());
        command.Parameters.AddWithValue("updated", todos.Select(todo => todo.UpdatedAt).ToArray());
        command.Parameters.Add(new NpgsqlParameter<string?[]>("keys", todos.Select(todo => todo.IdempotencyKey).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string?[]>("fingerprints", todos.Select(todo => todo.IdempotencyFingerprint).ToArray()));

        var inserted = new Dictionary<Guid, uint>(todos.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            inserted[reader.GetGuid(0)] = reader.GetFieldValue<uint>(1);
        }
        return inserted;
    }

    /// <summary>Inserts on the context's connection, in its open transaction (the warm-up's, which is rolled back).</summary>
    public sealed class InTransaction(TodoDbContext db) : ITodoInserter
    {
        public async Task<uint?> InsertAsync(TodoItem todo)
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            var transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
            return (await ExecuteAsync(connection, transaction, [todo])).TryGetValue(todo.Id, out var version) ? version : null;
        }
    }
}
