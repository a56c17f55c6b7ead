using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Todo.Api.Data;
using Todo.Api.Identity;

namespace Todo.Api.Todos;

/// <summary>
/// The write handlers. Each commits to PostgreSQL, then evicts what it made stale, then responds. A todo is created
/// as the caller's; changing someone else's is a 404, as if it did not exist, unless the caller sees every owner's.
/// </summary>
public static class TodoCommands
{
    /// <summary>
    /// Creates a todo of the caller's; <c>userEmail</c> defaults to the token's <c>email</c>. With an
    /// <c>Idempotency-Key</c>, a retry (on this instance or another, even racing the original) gets the first todo
    /// back, and the key, unique per owner in the database, makes a second row impossible.
    /// </summary>
    public static async Task<Results<Created<TodoResponse>, ValidationProblem, ProblemHttpResult>> CreateTodo(
        TodoRequest request, TodoCaller caller, HttpContext context, TodoDbContext db, ITodoInserter inserter, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (!IdempotencyKeys.TryParse(context.Request.Headers[IdempotencyKeys.HeaderName], out var key))
        {
            return TypedResults.ValidationProblem(TodoFields.InvalidIdempotencyKey());
        }
        if (request.UserEmail is null && context.User.FindFirst(TodoCallers.EmailClaim)?.Value is { } email)
        {
            request = request with { UserEmail = email };
        }
        if (!TodoInput.TryValidate(request, out var valid, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (key is not null && await FindByIdempotencyKeyAsync(db, caller.Owner, key, cancellationToken) is { } earlier)
        {
            return Replay(earlier, valid, context.Response);
        }

        var now = clock.GetUtcNow();
        var todo = valid.ToNewItem(Guid.CreateVersion7(now), caller.Owner, Timestamps.ToDatabasePrecision(now.UtcDateTime), key);
        // Committed, and the list pages evicted, once this returns (TodoGroupCommit). Past the database bound it throws
        // instead (503), and the create may still commit: a retry with its Idempotency-Key settles it.
        if (await inserter.InsertAsync(todo) is not { } version)
        {
            // Another create of this owner with this key committed first: its todo is there to read.
            var winner = await FindByIdempotencyKeyAsync(db, caller.Owner, key!, cancellationToken);
            return Replay(winner!, valid, context.Response);
        }
        todo.Version = version;
        return Created(todo, context.Response);
    }

    private static Task<TodoItem?> FindByIdempotencyKeyAsync(TodoDbContext db, string owner, string key, CancellationToken cancellationToken) =>
        db.Todos.AsNoTracking().FirstOrDefaultAsync(t => t.Owner == owner && t.IdempotencyKey == key, cancellationToken);

    private static Results<Created<TodoResponse>, ValidationProblem, ProblemHttpResult> Replay(TodoItem earlier, ValidTodo request, HttpResponse response)
    {
        if (earlier.IdempotencyFingerprint != IdempotencyKeys.Fingerprint(request))
        {
            return TodoProblems.IdempotencyKeyReused();
        }
        response.Headers["Idempotent-Replayed"] = "true";
        return Created(earlier, response);
    }

    private static Created<TodoResponse> Created(TodoItem todo, HttpResponse response)
    {
        response.Headers.ETag = TodoETags.For(todo.Version);
        return TypedResults.Created($"/todos/{todo.Id}", TodoResponse.From(todo));
    }

    /// <summary>Full replace: the same rules as a create; <c>If-Match</c> makes it conditional.</summary>
    public static async Task<Results<Ok<TodoResponse>, ValidationProblem, ProblemHttpResult>> ReplaceTodo(
        string todoId, TodoRequest request, TodoCaller caller, HttpContext context, TodoDbContext db, TodoCacheEviction cache,
        TimeProvider clock, CancellationToken cancellationToken) =>
        TodoInput.TryValidate(request, out var valid, out var errors)
            ? await ChangeAsync(todoId, TodoChange.Replace(valid), caller, context, db, cache, clock, cancellationToken)
            : TypedResults.ValidationProblem(errors);

    /// <summary>RFC 7396 merge patch of any subset of the writable fields; <c>If-Match</c> makes it conditional.</summary>
    public static async Task<Results<Ok<TodoResponse>, ValidationProblem, ProblemHttpResult>> PatchTodo(
        string todoId, JsonElement patch, TodoCaller caller, HttpContext context, TodoDbContext db, TodoCacheEviction cache,
        TimeProvider clock, CancellationToken cancellationToken) =>
        TodoInput.TryParsePatch(patch, out var change, out var errors)
            ? await ChangeAsync(todoId, change, caller, context, db, cache, clock, cancellationToken)
            : TypedResults.ValidationProblem(errors);

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteTodo(
        string todoId, TodoCaller caller, HttpRequest request, TodoDbContext db, TodoCacheEviction cache, CancellationToken cancellationToken)
    {
        if (!TodoIds.TryParse(todoId, out var id))
        {
            return TypedResults.ValidationProblem(TodoFields.InvalidTodoId());
        }
        if (!TodoETags.TryParseIfMatch(request.Headers.IfMatch, out var ifMatch))
        {
            return TypedResults.ValidationProblem(TodoFields.InvalidIfMatch());
        }

        var owner = caller.OnlyOwner;
        var versions = VersionsNamed(ifMatch);
        // The table and columns of TodoItemConfiguration.
        var deleted = await db.Database.SqlQuery<string>($"""
            DELETE FROM todos
            WHERE todo_id = {id} AND ({owner}::text IS NULL OR owner_id = {owner}) AND ({versions}::xid[] IS NULL OR xmin = ANY ({versions}::xid[]))
            RETURNING owner_id AS "Value"
            """).ToListAsync(cancellationToken);
        if (deleted is not [var deletedOwner])
        {
            return await NotChangedAsync(db, id, owner, cancellationToken);
        }

        await cache.TodoChangedAsync(id, deletedOwner);
        return TypedResults.NoContent();
    }

    /// <summary>The row versions <c>If-Match</c> names, as text (<c>xid</c>, the type of <c>xmin</c>, has no cast from the integer types); null for none or <c>*</c>.</summary>
    private static string[]? VersionsNamed(IfMatch ifMatch) =>
        ifMatch is { IsPresent: true, MatchesAny: false }
            ? ifMatch.Versions.Select(version => version.ToString(CultureInfo.InvariantCulture)).ToArray()
            : null;

    /// <summary>Why a conditional write changed nothing: the caller's todo is at another version (412), or there is none (404).</summary>
    private static async Task<ProblemHttpResult> NotChangedAsync(TodoDbContext db, Guid id, string? owner, CancellationToken cancellationToken) =>
        await db.Todos.AnyAsync(t => t.Id == id && (owner == null || t.Owner == owner), cancellationToken)
            ? TodoProblems.PreconditionFailed(id)
            : TodoProblems.NotFound(id);

    /// <summary>
    /// One statement writes the fields <paramref name="change"/> names and returns the row. Nothing is read first, so
    /// writers of different fields never undo each other and a request without <c>If-Match</c> is never refused for
    /// contention; with <c>If-Match</c>, the row changes only at a version the header names (else 412, or 404).
    /// </summary>
    private static async Task<Results<Ok<TodoResponse>, ValidationProblem, ProblemHttpResult>> ChangeAsync(
        string todoId, TodoChange change, TodoCaller caller, HttpContext context, TodoDbContext db, TodoCacheEviction cache,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!TodoIds.TryParse(todoId, out var id))
        {
            return TypedResults.ValidationProblem(TodoFields.InvalidTodoId());
        }
        if (!TodoETags.TryParseIfMatch(context.Request.Headers.IfMatch, out var ifMatch))
        {
            return TypedResults.ValidationProblem(TodoFields.InvalidIfMatch());
        }

        var owner = caller.OnlyOwner;
        var versions = VersionsNamed(ifMatch);
        var status = change.Status is { } named ? TodoStatusNames.ToName(named) : null;
        var now = Timestamps.ToDatabasePrecision(clock.GetUtcNow().UtcDateTime);
        // The table and columns of TodoItemConfiguration; a null parameter leaves its column as it is.
        var changed = await db.Todos.FromSql($"""
            UPDATE todos SET
                title = COALESCE({change.Title}, title),
                description = COALESCE({change.Description}, description),
                due_date = COALESCE({change.DueDate}, due_date),
                status = COALESCE({status}, status),
                user_email = COALESCE({change.UserEmail}, user_email),
                updated_at = {now}
            WHERE todo_id = {id} AND ({owner}::text IS NULL OR owner_id = {owner}) AND ({versions}::xid[] IS NULL OR xmin = ANY ({versions}::xid[]))
            RETURNING *, xmin
            """).AsNoTracking().ToListAsync(cancellationToken);

        if (changed is not [var todo])
        {
            return await NotChangedAsync(db, id, owner, cancellationToken);
        }
        await cache.TodoChangedAsync(id, todo.Owner);
        context.Response.Headers.ETag = TodoETags.For(todo.Version);
        return TypedResults.Ok(TodoResponse.From(todo));
    }
}
