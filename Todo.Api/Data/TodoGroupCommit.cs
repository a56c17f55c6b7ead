using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Todo.Api.Todos;

namespace Todo.Api.Data;

/// <summary>
/// Group commit for creates: the creates that arrive while a batch is being written wait together and go as the next
/// batch, one statement and one commit for all of them, then one eviction of the list pages, and only then is each
/// caller answered (so a 201 still means committed and the lists already show it). Nothing waits on purpose: alone, a
/// create is a batch of one. A row that PostgreSQL refuses fails alone: the batch is written again row by row.
/// </summary>
/// <remarks>
/// A caller waits for its batch at most <c>Database:RequestTimeout</c>, like any request on PostgreSQL: on a hung server
/// the batch itself ends only when Npgsql gives up, and until the handler ends its connection takes no next request.
/// </remarks>
public sealed partial class TodoGroupCommit(IServiceScopeFactory scopes, IOptions<TodoDatabaseOptions> options, ILogger<TodoGroupCommit> logger)
    : BackgroundService, ITodoInserter
{
    /// <summary>Rows per statement at most; also bounds the arrays that travel with it.</summary>
    public const int MaxBatch = 128;

    /// <summary>Batches written at once: one can commit while the next is sent.</summary>
    private const int Writers = 2;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = false });

    public Task<uint?> InsertAsync(TodoItem todo)
    {
        var pending = new Pending(todo);
        return _queue.Writer.TryWrite(pending)
            ? pending.Outcome.Task.WaitAsync(options.Value.RequestTimeout)
            : throw new InvalidOperationException("The API is stopping.");
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => WriteBatchesAsync()));

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        // Requests have been answered by now (the server stops first); whatever is queued is still written.
        _queue.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

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
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            var versions = await InsertAsync(scope, batch);
            if (versions.Count > 0)
            {
                await scope.ServiceProvider.GetRequiredService<TodoCacheEviction>().TodoCreatedAsync();
            }
            foreach (var pending in batch)
            {
                pending.Outcome.TrySetResult(versions.TryGetValue(pending.Todo.Id, out var version) ? version : null);
            }
        }
        catch (PostgresException refused) when (batch.Count > 1 && IsAboutTheData(refused))
        {
            LogBatchRefused(logger, batch.Count, refused.SqlState);
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
    private static async Task<Dictionary<Guid, uint>> InsertAsync(AsyncServiceScope scope, List<Pending> batch)
    {
        var database = scope.ServiceProvider.GetRequiredService<TodoDbContext>().Database;
        await database.OpenConnectionAsync();
        try
        {
            return await TodoInsert.ExecuteAsync((NpgsqlConnection)database.GetDbConnection(), transaction: null, [.. batch.Select(pending => pending.Todo)]);
        }
        finally
        {
            await database.CloseConnectionAsync();
        }
    }

    /// <summary>Data exceptions (22) and integrity violations (23): one row's fault, not the database's.</summary>
    private static bool IsAboutTheData(PostgresException exception) => exception.SqlState is ['2', '2' or '3', ..];

    private sealed record Pending(TodoItem Todo)
    {
        public TaskCompletionSource<uint?> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL refused a batch of {Count} todos ({SqlState}); writing them one by one.")]
    private static partial void LogBatchRefused(ILogger logger, int count, string sqlState);
}
