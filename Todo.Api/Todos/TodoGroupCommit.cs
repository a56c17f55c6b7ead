using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Todo.Api.Data;

namespace Todo.Api.Todos;

/// <summary>
/// Group commit for creates, behind <see cref="TodoStore.CreateAsync"/>: the creates that arrive while a batch is
/// being written wait together and go as the next batch, one statement and one commit for all of them. Nothing waits
/// on purpose: alone, a create is a batch of one. A row that PostgreSQL refuses fails alone: the batch is written
/// again row by row.
/// </summary>
/// <remarks>
/// A caller waits for its batch no longer than <c>Database:RequestTimeout</c>, as every request waits on PostgreSQL
/// (<see cref="DatabaseRequestFilter"/>, whose timeout tells the database circuit): on a hung server the batch itself
/// ends only when Npgsql gives up. The writers start before any other hosted service does (the warm-up creates a
/// todo before the API listens) and stop once the host has stopped, after the server has answered its last request.
/// </remarks>
public sealed partial class TodoGroupCommit : IHostedLifecycleService
{
    /// <summary>The API's own meter: <c>todo.creates.waiting</c>, the creates waiting for their commit.</summary>
    public const string MeterName = "Todo.Api";

    /// <summary>Rows per statement at most; also bounds the arrays that travel with it.</summary>
    private const int MaxBatch = 128;

    /// <summary>Batches written at once: one can commit while the next is sent.</summary>
    private const int Writers = 2;

    // A row whose Idempotency-Key is taken is left out instead of failing the others (a key is its owner's); the rows
    // travel as one array per column, so the text and its plan stay the same whatever the count.
    private const string InsertSql = $"""
        INSERT INTO {TodoTable.Name} ({TodoTable.Id}, {TodoTable.Owner}, {TodoTable.Title}, {TodoTable.Description}, {TodoTable.DueDate},
            {TodoTable.Status}, {TodoTable.UserEmail}, {TodoTable.CreatedAt}, {TodoTable.UpdatedAt}, {TodoTable.IdempotencyKey}, {TodoTable.IdempotencyFingerprint})
        SELECT * FROM unnest(@ids, @owners, @titles, @descriptions, @due_dates, @statuses, @user_emails, @created, @updated, @keys, @fingerprints)
        ON CONFLICT ({TodoTable.Owner}, {TodoTable.IdempotencyKey}) DO NOTHING
        RETURNING {TodoTable.Id}, {TodoTable.Version}
        """;

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

    /// <summary>
    /// Inserts <paramref name="todo"/> and answers once its batch has committed: its row version (null when another
    /// todo of its owner already has its <c>Idempotency-Key</c>) and the batch it committed with.
    /// </summary>
    public async Task<(uint? Version, TodoBatch Batch)> InsertAsync(TodoItem todo)
    {
        var pending = new Pending(todo);
        Interlocked.Increment(ref _waiting);
        try
        {
            if (!_queue.Writer.TryWrite(pending))
            {
                throw new InvalidOperationException("The API has stopped.");
            }
            return await pending.Outcome.Task.WaitAsync(_wait);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken)
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

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

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
            // On a connection of the API's pool, in a transaction of its own: the statement commits as it ends.
            var versions = await scope.ServiceProvider.GetRequiredService<TodoDbContext>().Database
                .OnConnectionAsync(connection => InsertAsync(connection, batch));
            var committed = new TodoBatch([.. batch.Select(pending => pending.Todo).Where(todo => versions.ContainsKey(todo.Id))]);
            foreach (var pending in batch)
            {
                pending.Outcome.TrySetResult((versions.TryGetValue(pending.Todo.Id, out var version) ? version : null, committed));
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

    /// <summary>The version of each todo inserted, by id.</summary>
    private static async Task<Dictionary<Guid, uint>> InsertAsync(NpgsqlConnection connection, List<Pending> batch)
    {
        var todos = batch.ConvertAll(pending => pending.Todo);
        await using var command = new NpgsqlCommand(InsertSql, connection);
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
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            inserted[reader.GetGuid(0)] = reader.GetFieldValue<uint>(1);
        }
        return inserted;
    }

    /// <summary>Data exceptions (22) and integrity violations (23): one row's fault, not the database's.</summary>
    private static bool IsAboutTheData(PostgresException exception) => exception.SqlState is ['2', '2' or '3', ..];

    private sealed record Pending(TodoItem Todo)
    {
        public TaskCompletionSource<(uint? Version, TodoBatch Batch)> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL refused a batch of {Count} todos ({SqlState}); writing them one by one.")]
    private static partial void LogBatchRefused(ILogger logger, int count, string sqlState);
}

/// <summary>The todos one commit inserted, and what follows their commit, done once for all of them.</summary>
public sealed class TodoBatch(IReadOnlyList<TodoItem> inserted)
{
    private readonly Lock _gate = new();
    private Task? _followUp;

    public IReadOnlyList<TodoItem> Inserted { get; } = inserted;

    /// <summary>Starts <paramref name="followUp"/> for this batch on the first call; every call answers that one task.</summary>
    public Task OnceAsync(Func<IReadOnlyList<TodoItem>, Task> followUp)
    {
        lock (_gate)
        {
            return _followUp ??= followUp(Inserted);
        }
    }
}
