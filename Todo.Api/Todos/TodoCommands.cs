using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Todo.Api.Data;

namespace Todo.Api.Todos;

/// <summary>The write handlers. Each commits to PostgreSQL, then evicts what it made stale, then responds.</summary>
public static class TodoCommands
{
    private const int MaxUpdateAttempts = 5;

    /// <summary>
    /// Creates a todo. With an <c>Idempotency-Key</c>, a retry (on this instance or another, even racing the original)
    /// gets the first todo back, and the unique key in the database makes a second row impossible.
    /// </summary>
    public static async Task<Results<Created<TodoResponse>, ValidationProblem, ProblemHttpResult>> CreateTodo(
        TodoRequest request, HttpContext context, TodoDbContext db, TodoCacheEviction cache, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (!IdempotencyKeys.TryParse(context.Request.Headers[IdempotencyKeys.HeaderName], out var key))
        {
            return TypedResults.ValidationProblem(IdempotencyKeys.InvalidError());
        }
        if (!TodoValidator.TryValidate(request, out var valid, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (key is not null && await FindByIdempotencyKeyAsync(db, key, cancellationToken) is { } earlier)
        {
            return Replay(earlier, valid, context.Response);
        }

        var now = clock.GetUtcNow();
        var todo = valid.ToNewItem(Guid.CreateVersion7(now), Timestamps.ToDatabasePrecision(now.UtcDateTime), key);
        db.Todos.Add(todo);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException
        {
            SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: TodoItemConfiguration.IdempotencyKeyIndex,
        })
        {
            db.ChangeTracker.Clear();
            // The row that won the race on the unique key: committed, so it is there to read.
            var winner = await FindByIdempotencyKeyAsync(db, key!, cancellationToken);
            return Replay(winner!, valid, context.Response);
        }
        await cache.TodoCreatedAsync();
        return Created(todo, context.Response);
    }

    private static Task<TodoItem?> FindByIdempotencyKeyAsync(TodoDbContext db, string key, CancellationToken cancellationToken) =>
        db.Todos.AsNoTracking().FirstOrDefaultAsync(t => t.IdempotencyKey == key, cancellationToken);

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
        string todoId, TodoRequest request, HttpContext context, TodoDbContext db, TodoCacheEviction cache,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!TodoValidator.TryValidate(request, out var valid, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        return await UpdateAsync(todoId, context, db, cache, clock, cancellationToken,
            (TodoItem _, [NotNullWhen(true)] out ValidTodo? result, out Dictionary<string, string[]> problems) =>
            {
                (result, problems) = (valid, []);
                return true;
            });
    }

    /// <summary>RFC 7396 merge patch of any subset of the writable fields.</summary>
    public static Task<Results<Ok<TodoResponse>, ValidationProblem, ProblemHttpResult>> PatchTodo(
        string todoId, JsonElement patch, HttpContext context, TodoDbContext db, TodoCacheEviction cache,
        TimeProvider clock, CancellationToken cancellationToken) =>
        UpdateAsync(todoId, context, db, cache, clock, cancellationToken,
            (TodoItem current, [NotNullWhen(true)] out ValidTodo? result, out Dictionary<string, string[]> problems) =>
            {
                result = null;
                return TodoMergePatch.TryMerge(patch, current, out var merged, out problems)
                    && TodoValidator.TryValidate(merged, out result, out problems);
            });

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteTodo(
        string todoId, HttpRequest request, TodoDbContext db, TodoCacheEviction cache, CancellationToken cancellationToken)
    {
        if (!TodoIds.TryParse(todoId, out var id))
        {
            return TypedResults.ValidationProblem(TodoIds.InvalidError(nameof(todoId)));
        }
        if (!TodoETags.TryParseIfMatch(request.Headers.IfMatch, out var ifMatch))
        {
            return TypedResults.ValidationProblem(TodoProblems.InvalidIfMatch());
        }

        var matching = db.Todos.Where(t => t.Id == id);
        if (ifMatch is { IsPresent: true, MatchesAny: false })
        {
            var versions = ifMatch.Versions;
            matching = matching.Where(t => versions.Contains(t.Version));
        }
        if (await matching.ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return await db.Todos.AnyAsync(t => t.Id == id, cancellationToken)
                ? TodoProblems.PreconditionFailed(id)
                : TodoProblems.NotFound(id);
        }

        await cache.TodoChangedAsync(id);
        return TypedResults.NoContent();
    }

    private delegate bool TodoChange(TodoItem current, [NotNullWhen(true)] out ValidTodo? changed, out Dictionary<string, string[]> errors);

    /// <summary>
    /// Read, check <c>If-Match</c>, change, save guarded by the row version. A write that lost a race is retried
    /// on the fresh row when the client set no precondition, and answered 412 when it did.
    /// </summary>
    private static async Task<Results<Ok<TodoResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string todoId, HttpContext context, TodoDbContext db, TodoCacheEviction cache, TimeProvider clock,
        CancellationToken cancellationToken, TodoChange change)
    {
        if (!TodoIds.TryParse(todoId, out var id))
        {
            return TypedResults.ValidationProblem(TodoIds.InvalidError(nameof(todoId)));
        }
        if (!TodoETags.TryParseIfMatch(context.Request.Headers.IfMatch, out var ifMatch))
        {
            return TypedResults.ValidationProblem(TodoProblems.InvalidIfMatch());
        }

        for (var attempt = 1; attempt <= MaxUpdateAttempts; attempt++)
        {
            var todo = await db.Todos.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
            if (todo is null)
            {
                return TodoProblems.NotFound(id);
            }
            if (!ifMatch.IsSatisfiedBy(todo.Version))
            {
                return TodoProblems.PreconditionFailed(id);
            }
            if (!change(todo, out var changed, out var errors))
            {
                return TypedResults.ValidationProblem(errors);
            }

            changed.ApplyTo(todo, Timestamps.ToDatabasePrecision(clock.GetUtcNow().UtcDateTime));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear();
                continue;
            }

            await cache.TodoChangedAsync(id);
            context.Response.Headers.ETag = TodoETags.For(todo.Version);
            return TypedResults.Ok(TodoResponse.From(todo));
        }

        return TodoProblems.KeptChanging(id);
    }
}
