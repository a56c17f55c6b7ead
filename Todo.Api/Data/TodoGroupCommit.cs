using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using Todo.Api.Todos;

namespace Todo.Api.Data;

/// <summary>
/// Group commit for creates: the creates that arrive while a batch is being written wait together and go as the next
/// batch, one statement and one commit for all of them, then one eviction of their owners' list pages, and each caller is
/// answered only once both are done (so a 201 still means committed and the lists already show it). Nothing waits on
/// purpose: alone, a create is a batch of one. A row that PostgreSQL refuses fails alone: the batch is written again
/// row by row.
/// </summary>
/// <remarks>
/// A caller waits for its batch no longer than <c>Database:RequestTimeout</c>, as every request waits on PostgreSQL
/// (<see cref="DatabaseRequestFilter"/>, whose timeout tells the database circuit): on a hung server the batch itself
/// ends only when Npgsql gives up. The writers stop once the host has stopped, after the server has answered its last
/// request.
/// </remarks>
public sealed partial class TodoGroupCommit : IHostedLifecycleService, ITodoInserter
{
    /// <summary>The API's own meter: <c>todo.creates.waiting</c>, the creates waiting for their commit.</summary>
    public const string MeterName = "Todo.Api";

    /// <summary>Rows per statement at most; also bounds the arrays that travel with it.</summary>
    private const int MaxBatch = 128;

    /// <summary>Batches written at once: one can commit while the next is sent.</summary>
    private const int Writers = 2;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger<TodoGroupCommit> _logger;
    private readonly TimeSpan _wait;
    private Task _writers = Task.CompletedTask;
    private int _waiting;

    public TodoGroupCommit(IServiceScopeFactory scopes, IOptions<TodoDatabaseOptions> options, ILogger<TodoGroupCommit> logger, IMeterFactory meters)
    {
        _scopes = scopes;
        _logger = logger;
        _wait = options.Value.RequestTimeout;
        meters.Create(MeterName).CreateObservableUpDownCounter("todo.creates.waiting", () => Waiting, "{create}",
            "Creates waiting for their commit: queued for a batch or being written.");
    }

    /// <summary>Creates waiting for their commit: queued for a batch or being written.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public async Task<uint?> InsertAsync(TodoItem todo)
    {
        var pending = new Pending(todo);
        Interlocked.Increment(ref _waiting);
        (uint? Version, Task Evicted) outcome;
        try
        {
            if (!_queue.Writer.TryWrite(pending))
            {
                throw new InvalidOperationException("The API has stopped.");
            }
            outcome = await pending.Outcome.Task.WaitAsync(_wait);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        var (version, evicted) = outcome;
        // Bounded by the cache's own time limit, and never a failure: the create is committed either way.
        await evicted;
        return version;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _writers = Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(WriteBatchesAsync, CancellationToken.None)));
        return Task.CompletedTask;
    }

    /// <summary>After every hosted service has stopped, the server included: whatever is queued is still written.</summary>
    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        return _writers.WaitAsync(cancellationToken);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task WriteBatchesAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }
            if (batch.Count > 0)
            {
                await WriteAsync(batch);
            }
        }
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var versions = await InsertAsync(scope, batch);
            // The callers wait for the eviction, the writer does not: a slow Redis must not hold back the next commit.
            var evicted = versions.Count > 0
                ? scope.ServiceProvider.GetRequiredService<TodoCacheEviction>().TodosCreatedAsync(batch.Where(pending => versions.ContainsKey(pending.Todo.Id)).Select(pending => pending.Todo.Owner))
                : Task.CompletedTask;
            foreach (var pending in batch)
            {
                pending.Outcome.TrySetResult((versions.TryGetValue(pending.Todo.Id, out var version) ? version : null, evicted));
            }
        }
        catch (PostgresException refused) when (batch.Count > 1 && IsAboutTheData(refused))
        {
            LogBatchRefused(_logger, batch.Count, refused.SqlState);
            foreach (var pending in batch)
            {
                await WriteAsync([pending]);
            }
        }
        catch (Exception exception)
        {
            foreach (var pending in batch)
            {
                pending.Outcome.TrySetException(exception);
            }
        }
    }

    /// <summary>On a connection of the API's pool, in a transaction of its own: the statement commits as it ends.</summary>
    private static Task<Dictionary<Guid, uint>> InsertAsync(AsyncServiceScope scope, List<Pending> batch) =>
        scope.ServiceProvider.GetRequiredService<TodoDbContext>().Database.OnConnectionAsync(
            connection => TodoInsert.ExecuteAsync(connection, transaction: null, [.. batch.Select(pending => pending.Todo)]));

    /// <summary>Data exceptions (22) and integrity violations (23): one row's fault, not the database's.</summary>
    private static bool IsAboutTheData(PostgresException exception) => exception.SqlState is ['2', '2' or '3', ..];

    private sealed record Pending(TodoItem Todo)
    {
        /// <summary>The row version (null when the key was taken) once committed, and the eviction of the list pages.</summary>
        public TaskCompletionSource<(uint? Version, Task Evicted)> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL refused a batch of {Count} todos ({SqlState}); writing them one by one.")]
    private static partial void LogBatchRefused(ILogger logger, int count, string sqlState);
}

/// <summary>Inserts a new todo and answers its row version, or null when another todo already has its <c>Idempotency-Key</c>.</summary>
public interface ITodoInserter
{
    Task<uint?> InsertAsync(TodoItem todo);
}

/// <summary>
/// The one statement that inserts todos, any number at once: the rows travel as one array per column, so the text and
/// its plan stay the same whatever the count. A row whose <c>Idempotency-Key</c> is taken is left out instead of
/// failing the others (a key is its owner's); the rows it returns are the ones inserted.
/// </summary>
public static class TodoInsert
{
    // The table and columns of TodoItemConfiguration.
    private const string Sql = """
        INSERT INTO todos (todo_id, owner_id, title, description, due_date, status, user_email, created_at, updated_at, idempotency_key, idempotency_fingerprint)
        SELECT * FROM unnest(@ids, @owners, @titles, @descriptions, @due_dates, @statuses, @user_emails, @created, @updated, @keys, @fingerprints)
        ON CONFLICT (owner_id, idempotency_key) DO NOTHING
        RETURNING todo_id, xmin
        """;

    /// <summary>The version of each todo inserted, by id; <paramref name="transaction"/> when the caller has one open.</summary>
    public static async Task<Dictionary<Guid, uint>> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        IReadOnlyList<TodoItem> todos, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand(Sql, connection, transaction);
        command.Parameters.AddWithValue("ids", todos.Select(todo => todo.Id).ToArray());
        command.Parameters.AddWithValue("owners", todos.Select(todo => todo.Owner).ToArray());
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
