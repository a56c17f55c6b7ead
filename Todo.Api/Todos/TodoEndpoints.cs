using System.Text.Json;
using Todo.Api.Data;
using Todo.Api.Identity;
using Todo.Api.Limits;

namespace Todo.Api.Todos;

/// <summary>The todo routes. What happens around a handler, in order (Program.cs):</summary>
/// <remarks>
/// <list type="number">
/// <item>Security headers on every response, and <c>Cache-Control: private</c> on every todo response
/// (<see cref="PrivateResponses"/>); the exception handler turns a database outage into 503 problem details with
/// <c>Retry-After</c> and anything unexpected into a 500 without internals (Problems/RequestExceptionHandler).</item>
/// <item>Authentication and authorization (Identity/TodoAuthenticationExtensions): no valid bearer token, 401 with
/// <c>WWW-Authenticate</c>; a token without a subject or the API's scope, 403. The handler gets the caller as
/// <see cref="TodoCaller"/>.</item>
/// <item>The caller's share (Limits/CallerLimiter): beyond its requests in progress and waiting, 429 with
/// <c>Retry-After</c>, before the cache answers.</item>
/// <item><c>CacheSharedOutput</c> (GET only): SharedOutputCacheMiddleware answers a hit from Redis (the caller's own
/// entry, under <see cref="TodoStore"/>'s key) before the rate limiter and the handler; a miss runs the handler and
/// stores its 200 unless a write moved the tag meanwhile.</item>
/// <item>For a read the cache did not answer, the caller's share of reads (a page counts by its <c>limit</c>):
/// beyond it, 429.</item>
/// <item>The rate limiter: reads and writes each have a concurrency limit and a queue; beyond them, 503 at once.</item>
/// <item>Binding: a body that is not JSON, too deep, too large or of another media type throws before the handler, and
/// RequestExceptionHandler answers 400 naming the field, 413 or 415.</item>
/// <item>DatabaseRequestFilter on the group: 503 at once while the database circuit is open; otherwise the handler gets
/// at most <c>Database:RequestTimeout</c>.</item>
/// <item>The handler validates, then reads or writes through <see cref="TodoStore"/>, which evicts what a write made
/// stale before the handler responds.</item>
/// <item>Before the API listens, TodoWarmUp runs every endpoint of the group once (<see cref="TodoWarmUp.Marker"/>).</item>
/// </list>
/// </remarks>
public static class TodoEndpoints
{
    public static IEndpointRouteBuilder MapTodos(this IEndpointRouteBuilder app)
    {
        var todos = app.MapGroup("/todos").WithTags("Todos").RequireTodoCaller()
            .WithCallerLimits()
            .AddEndpointFilter<DatabaseRequestFilter>().WithPrivateResponses().WithMetadata(TodoWarmUp.Marker);
        // Every route needs a token, limits each caller's share and can find PostgreSQL away or the API overloaded; the
        // typed results declare the rest.
        todos.ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        todos.MapGet("", TodoQueries.ListTodos)
            .CacheSharedOutput(TodoStore.ListKey)
            .WithReadSize(TodoListQuery.LimitAsked)
            .WithName("ListTodos")
            .WithSummary("Lists the caller's todos (every owner's with the admin scope), newest first, a page at a time.");

        todos.MapGet("/{todoId}", TodoQueries.GetTodo)
            .CacheSharedOutput(TodoStore.ItemKey)
            .WithName("GetTodo")
            .WithSummary("Gets one todo with its ETag.")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound);

        todos.MapPost("", TodoCommands.CreateTodo)
            .WithName("CreateTodo")
            .WithSummary("Creates a todo.")
            .ProducesBodyProblems()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        todos.MapPut("/{todoId}", TodoCommands.ReplaceTodo)
            .WithName("ReplaceTodo")
            .WithSummary("Replaces a todo's writable fields; honours If-Match.")
            .ProducesConditionalChangeProblems()
            .ProducesBodyProblems();

        todos.MapPatch("/{todoId}", TodoCommands.PatchTodo)
            .Accepts<JsonElement>("application/merge-patch+json", "application/json")
            .WithName("PatchTodo")
            .WithSummary("Changes some fields of a todo (JSON merge patch); honours If-Match.")
            .ProducesConditionalChangeProblems()
            .ProducesBodyProblems();

        todos.MapDelete("/{todoId}", TodoCommands.DeleteTodo)
            .WithName("DeleteTodo")
            .WithSummary("Deletes a todo; honours If-Match.")
            .ProducesConditionalChangeProblems();

        TodoWarmUp.Include(app);
        return app;
    }

    /// <summary>A body too large (413) or not JSON (415), refused before the handler.</summary>
    private static RouteHandlerBuilder ProducesBodyProblems(this RouteHandlerBuilder endpoint) =>
        endpoint.ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    /// <summary>No such todo (404), or not at a version <c>If-Match</c> names (412).</summary>
    private static RouteHandlerBuilder ProducesConditionalChangeProblems(this RouteHandlerBuilder endpoint) =>
        endpoint.ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
}

/// <summary>What every todo handler binds besides its route values and body.</summary>
public readonly record struct TodoServices(TodoCaller Caller, TodoStore Store, TimeProvider Clock, HttpContext Context, CancellationToken Aborted);
