using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Todo.Api.Identity;

namespace Todo.Api.Todos;

/// <summary>
/// The write handlers. Each validates, then writes through <see cref="TodoStore"/>, which answers once the write is
/// committed and what it made stale is evicted. A todo is created as the caller's; changing someone else's is a 404,
/// as if it did not exist, unless the caller sees every owner's.
/// </summary>
public static class TodoCommands
{
    /// <summary>
    /// Creates a todo of the caller's; <c>userEmail</c> defaults to the token's <c>email</c>. With an
    /// <c>Idempotency-Key</c>, a retry (on this instance or another, even racing the original) gets the first todo
    /// back, and the key, unique per owner in the database, makes a second row impossible.
    /// </summary>
    public static async Task<Results<Created<TodoResponse>, ValidationProblem, ProblemHttpResult>> CreateTodo(
        TodoRequest request, [AsParameters] TodoServices todos)
    {
        var (caller, store, context) = (todos.Caller, todos.Store, todos.Context);
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
        if (key is not null && await store.FindByIdempotencyKeyAsync(caller.Owner, key, todos.Aborted) is { } earlier)
        {
            return Replay(earlier, valid, context.Response);
        }

        var now = todos.Clock.GetUtcNow();
        var todo = valid.ToNewItem(Guid.CreateVersion7(now), caller.Owner, Timestamps.ToDatabasePrecision(now.UtcDateTime), key);
        if (await store.CreateAsync(todo) is not { } version)
        {
            // Another create of this owner with this key committed first: its todo is there to read.
            var winner = await store.FindByIdempotencyKeyAsync(caller.Owner, key!, todos.Aborted);
            return Replay(winner!, valid, context.Response);
        }
        todo.Version = version;
        return Created(todo, context.Response);
    }

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
        string todoId, TodoRequest request, [AsParameters] TodoServices todos) =>
        TodoInput.TryValidate(request, out var valid, out var errors)
            ? await ChangeAsync(todoId, TodoChange.Replace(valid), todos)
            : TypedResults.ValidationProblem(errors);

    /// <summary>RFC 7396 merge patch of any subset of the writable fields; <c>If-Match</c> makes it conditional.</summary>
    public static async Task<Results<Ok<TodoResponse>, ValidationProblem, ProblemHttpResult>> PatchTodo(
        string todoId, JsonElement patch, [AsParameters] TodoServices todos) =>
        TodoInput.TryParsePatch(patch, out var change, out var errors)
            ? await ChangeAsync(todoId, change, todos)
            : TypedResults.ValidationProblem(errors);

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteTodo(string todoId, [AsParameters] TodoServices todos)
    {
        if (!TodoIds.TryParse(todoId, out var id))
        {
            return TypedResults.ValidationProblem(TodoFields.InvalidTodoId());
        }
        if (!TodoETags.TryParseIfMatch(todos.Context.Request.Headers.IfMatch, out var ifMatch))
        {
            return TypedResults.ValidationProblem(TodoFields.InvalidIfMatch());
        }

        return await todos.Store.DeleteAsync(id, todos.Caller.OnlyOwner, ifMatch, todos.Aborted)
            ? TypedResults.NoContent()
            : await NotChangedAsync(id, todos);
    }

    private static async Task<Results<Ok<TodoResponse>, ValidationProblem, ProblemHttpResult>> ChangeAsync(string todoId, TodoChange change, TodoServices todos)
    {
        if (!TodoIds.TryParse(todoId, out var id))
        {
            return TypedResults.ValidationProblem(TodoFields.InvalidTodoId());
        }
        if (!TodoETags.TryParseIfMatch(todos.Context.Request.Headers.IfMatch, out var ifMatch))
        {
            return TypedResults.ValidationProblem(TodoFields.InvalidIfMatch());
        }

        var now = Timestamps.ToDatabasePrecision(todos.Clock.GetUtcNow().UtcDateTime);
        if (await todos.Store.ChangeAsync(id, change, todos.Caller.OnlyOwner, ifMatch, now, todos.Aborted) is not { } todo)
        {
            return await NotChangedAsync(id, todos);
        }
        todos.Context.Response.Headers.ETag = TodoETags.For(todo.Version);
        return TypedResults.Ok(TodoResponse.From(todo));
    }

    /// <summary>Why a conditional write changed nothing: the caller's todo is at another version (412), or there is none (404).</summary>
    private static async Task<ProblemHttpResult> NotChangedAsync(Guid id, TodoServices todos) =>
        await todos.Store.ExistsAsync(id, todos.Caller.OnlyOwner, todos.Aborted)
            ? TodoProblems.PreconditionFailed(id)
            : TodoProblems.NotFound(id);
}
