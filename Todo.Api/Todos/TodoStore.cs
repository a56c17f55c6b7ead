using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Todo.Api.Data;
using Todo.Api.Identity;
using Todo.SharedOutputCache;

namespace Todo.Api.Todos;

/// <summary>
/// The one data path of the todo routes: every statement they run on PostgreSQL, the shared cache's key of every
/// response they cache, and after each committed write the eviction of what it made stale, on every instance, before
/// the write is answered. Creates commit in batches (<see cref="TodoGroupCommit"/>), the other writes one statement each.
/// </summary>
/// <remarks>
/// <c>GET /todos/{id}</c> is cached under tag <c>todo:{id}</c>, once per caller who may see it (its owner, and once for
/// everyone who sees every owner's todos). A list page is cached under its caller's tag, <c>todo-lists:{owner}</c>, or
/// <c>todo-lists</c> for pages across owners. Keys come from the parsed request, so equal requests share an entry, and
/// name no host, so every instance shares them; a caller's key holds their owner, so no request is ever answered with
/// another owner's entry, 304s included. Every entry is stored from its caller's quota of bytes, so one caller asking
/// for pages no cache holds fills only its own share of Redis (<c>OutputCache:MaximumBytesPerQuota</c>).
/// </remarks>
public sealed class TodoStore(TodoDbContext db, TodoGroupCommit commits, SharedOutputCacheStore? cache)
{
    /// <summary>The tag of every list page across owners (the admin's and the open API's).</summary>
    public const string ListTag = "todo-lists";

    private const string EveryOwner = "*";

    // The row the caller may change: its id, its owner unless the caller sees every owner's, and with If-Match a
    // version the header names.
    private const string MatchingRow =
        $"{TodoTable.Id} = @id AND (@owner::text IS NULL OR {TodoTable.Owner} = @owner) AND (@versions::xid[] IS NULL OR {TodoTable.Version} = ANY (@versions::xid[]))";

    // A null parameter leaves its column as it is.
    private const string UpdateSql = $"""
        UPDATE {TodoTable.Name} SET
            {TodoTable.Title} = COALESCE(@title, {TodoTable.Title}),
            {TodoTable.Description} = COALESCE(@description, {TodoTable.Description}),
            {TodoTable.DueDate} = COALESCE(@due_date, {TodoTable.DueDate}),
            {TodoTable.Status} = COALESCE(@status, {TodoTable.Status}),
            {TodoTable.UserEmail} = COALESCE(@user_email, {TodoTable.UserEmail}),
            {TodoTable.UpdatedAt} = @now
        WHERE {MatchingRow}
        RETURNING *, {TodoTable.Version}
        """;

    private const string DeleteSql = $"""
        DELETE FROM {TodoTable.Name}
        WHERE {MatchingRow}
        RETURNING {TodoTable.Owner} AS "Value"
        """;

    // Compiled once: no expression-tree walk or query-cache lookup on the hottest uncached path.
    private static readonly Func<TodoDbContext, Guid, Task<TodoItem?>> s_findById =
        EF.CompileAsyncQuery((TodoDbContext db, Guid id) => db.Set<TodoItem>().AsNoTracking().FirstOrDefault(t => t.Id == id));

    private static readonly Func<TodoDbContext, Guid, string, Task<TodoItem?>> s_findOwnedById =
        EF.CompileAsyncQuery((TodoDbContext db, Guid id, string owner) =>
            db.Set<TodoItem>().AsNoTracking().FirstOrDefault(t => t.Id == id && t.Owner == owner));

    private IQueryable<TodoItem> Todos => db.Set<TodoItem>().AsNoTracking();

    /// <summary>The todo, if it is <paramref name="owner"/>'s (any owner's for null).</summary>
    public Task<TodoItem?> FindAsync(Guid id, string? owner) => owner is null ? s_findById(db, id) : s_findOwnedById(db, id, owner);

    public Task<TodoItem?> FindByIdempotencyKeyAsync(string owner, string key, CancellationToken cancellationToken) =>
        Todos.FirstOrDefaultAsync(t => t.Owner == owner && t.IdempotencyKey == key, cancellationToken);

    public Task<bool> ExistsAsync(Guid id, string? owner, CancellationToken cancellationToken) =>
        Todos.AnyAsync(t => t.Id == id && (owner == null || t.Owner == owner), cancellationToken);

    /// <summary>
    /// A page of <paramref name="owner"/>'s todos (every owner's for null, or <see cref="TodoListQuery.Owner"/>'s),
    /// newest first, that <paramref name="query"/> selects. Streamed, so rows past a full page are never materialised.
    /// </summary>
    public async Task<TodoPage> ListAsync(TodoListQuery query, string? owner, CancellationToken cancellationToken)
    {
        var todos = Todos;
        if ((owner ?? query.Owner) is { } onlyOwner)
        {
            todos = todos.Where(t => t.Owner == onlyOwner);
        }
        if (query.Status is { } status)
        {
            todos = todos.Where(t => t.Status == status);
        }
        if (query.UserEmail is { } email)
        {
            todos = todos.Where(t => t.UserEmail == email);
        }
        if (query.After is { } cursor)
        {
            todos = todos.Where(t => t.Id.CompareTo(cursor) < 0);
        }

        var page = new TodoPage(query.Limit);
        var rows = todos
            .OrderByDescending(t => t.Id)
            .Take(query.Limit + 1)
            .Select(t => new TodoResponse(t.Id, t.Title, t.Description, t.DueDate, t.Status, t.UserEmail, t.Owner, t.CreatedAt, t.UpdatedAt))
            .AsAsyncEnumerable();
        await foreach (var todo in rows.WithCancellation(cancellationToken))
        {
            if (!page.TryAdd(todo))
            {
                break;
            }
        }
        return page;
    }

    /// <summary>
    /// Inserts <paramref name="todo"/> and answers its row version once it is committed and its owner's list pages are
    /// evicted; null when another todo of its owner already has its <c>Idempotency-Key</c>. Past the database bound it
    /// throws instead (503), and the create may still commit.
    /// </summary>
    public async Task<uint?> CreateAsync(TodoItem todo)
    {
        var (version, batch) = await commits.InsertAsync(todo);
        // One eviction for the whole batch, whichever of its creates gets here first.
        await batch.OnceAsync(EvictCreatedAsync);
        return version;
    }

    /// <summary>
    /// Writes the fields <paramref name="change"/> names in one statement and answers the row; null when nothing
    /// matched (no such todo of <paramref name="owner"/>'s, or not at a version <paramref name="ifMatch"/> names).
    /// Nothing is read first, so writers of different fields never undo each other and a request without
    /// <c>If-Match</c> is never refused for contention.
    /// </summary>
    public async Task<TodoItem?> ChangeAsync(Guid id, TodoChange change, string? owner, IfMatch ifMatch, DateTime now, CancellationToken cancellationToken)
    {
        object[] parameters =
        [
            Parameter("title", change.Title, NpgsqlDbType.Text),
            Parameter("description", change.Description, NpgsqlDbType.Text),
            Parameter("due_date", change.DueDate, NpgsqlDbType.TimestampTz),
            Parameter("status", change.Status is { } status ? TodoStatusNames.ToName(status) : null, NpgsqlDbType.Text),
            Parameter("user_email", change.UserEmail, NpgsqlDbType.Text),
            Parameter("now", now, NpgsqlDbType.TimestampTz),
            .. MatchingRowParameters(id, owner, ifMatch),
        ];
        var changed = await db.Set<TodoItem>().FromSqlRaw(UpdateSql, parameters).AsNoTracking().ToListAsync(cancellationToken);
        if (changed is not [var todo])
        {
            return null;
        }
        await EvictChangedAsync(id, todo.Owner);
        return todo;
    }

    /// <summary>Deletes the todo; false when nothing matched, as for <see cref="ChangeAsync"/>.</summary>
    public async Task<bool> DeleteAsync(Guid id, string? owner, IfMatch ifMatch, CancellationToken cancellationToken)
    {
        var deleted = await db.Database.SqlQueryRaw<string>(DeleteSql, [.. MatchingRowParameters(id, owner, ifMatch)]).ToListAsync(cancellationToken);
        if (deleted is not [var deletedOwner])
        {
            return false;
        }
        await EvictChangedAsync(id, deletedOwner);
        return true;
    }

    /// <summary>The key of a todo's response for this caller; none for a malformed id, whose 400 is not cached.</summary>
    public static SharedOutputCacheKey? ItemKey(HttpRequest request)
    {
        if (!TodoIds.TryParse(request.RouteValues["todoId"] as string, out var id))
        {
            return null;
        }
        var caller = TodoCaller.Of(request.HttpContext);
        return new SharedOutputCacheKey(ItemTag(id), caller.SeesEveryOwner ? EveryOwner : $"owner:{caller.Owner}", QuotaOf(caller));
    }

    /// <summary>The key of a list page: its caller's tag and its query as parsed (<c>limit=0100</c> is <c>limit=100</c>); none for a bad query.</summary>
    public static SharedOutputCacheKey? ListKey(HttpRequest request)
    {
        var query = request.Query;
        if (!TodoListQuery.TryParse(query["status"], query["userEmail"], query["owner"], query["limit"], query["after"], out var parsed, out _))
        {
            return null;
        }
        var caller = TodoCaller.Of(request.HttpContext);
        return new SharedOutputCacheKey(caller.SeesEveryOwner ? ListTag : OwnerListTag(caller.Owner), parsed.CacheVariant, QuotaOf(caller));
    }

    public static string ItemTag(Guid id) => $"todo:{id}";

    /// <summary>The tag of one owner's own list pages.</summary>
    public static string OwnerListTag(string owner) => $"{ListTag}:{Escape(owner)}";

    /// <summary>New todos: their owners' list pages, and the pages across owners.</summary>
    private Task EvictCreatedAsync(IReadOnlyList<TodoItem> created) =>
        cache is null || created.Count == 0
            ? Task.CompletedTask
            : cache.InvalidateAsync([ListTag, .. created.Select(todo => todo.Owner).Distinct(StringComparer.Ordinal).Select(OwnerListTag)]);

    /// <summary>A changed or deleted todo: its own entries, its owner's list pages, and the pages across owners.</summary>
    private Task EvictChangedAsync(Guid id, string owner) =>
        cache?.InvalidateAsync(ItemTag(id), OwnerListTag(owner), ListTag) ?? Task.CompletedTask;

    private static NpgsqlParameter[] MatchingRowParameters(Guid id, string? owner, IfMatch ifMatch) =>
    [
        Parameter("id", id, NpgsqlDbType.Uuid),
        Parameter("owner", owner, NpgsqlDbType.Text),
        // As text: xid, the type of xmin, has no cast from the integer types. None for no If-Match or *.
        Parameter("versions", ifMatch is { IsPresent: true, MatchesAny: false }
            ? ifMatch.Versions.Select(version => version.ToString(CultureInfo.InvariantCulture)).ToArray()
            : null, NpgsqlDbType.Array | NpgsqlDbType.Text),
    ];

    private static NpgsqlParameter Parameter(string name, object? value, NpgsqlDbType type) => new(name, type) { Value = value ?? DBNull.Value };

    /// <summary>Whose share of the cache an entry is stored from: the caller's (every anonymous caller shares one).</summary>
    private static string QuotaOf(TodoCaller caller) => $"owner:{Escape(caller.Owner)}";

    /// <summary>A tag may not hold braces (SharedOutputCacheKey); this keeps any subject apart from any other.</summary>
    private static string Escape(string owner) =>
        owner.AsSpan().IndexOfAny("%{}") < 0
            ? owner
            : new StringBuilder(owner).Replace("%", "%25").Replace("{", "%7B").Replace("}", "%7D").ToString();
}
