using System.Text.Json;
using Todo.Api.Data;

namespace Todo.Api.Todos;

public static class TodoEndpoints
{
    public static IEndpointRouteBuilder MapTodos(this IEndpointRouteBuilder app)
    {
        // Cache hits are served before any of this runs (SharedOutputCacheMiddleware); what reaches a handler needs
        // PostgreSQL, so DatabaseRequestFilter bounds its wait and refuses it at once while the database circuit is open.
        var todos = app.MapGroup("/todos").WithTags("Todos").AddEndpointFilter<DatabaseRequestFilter>();

        todos.MapGet("", TodoQueries.ListTodos)
            .CacheSharedOutput(TodoCache.ListKey)
            .WithName("ListTodos")
            .WithSummary("Lists todos, newest first, a page at a time.");

        todos.MapGet("/{todoId}", TodoQueries.GetTodo)
            .CacheSharedOutput(TodoCache.ItemKey)
            .WithName("GetTodo")
            .WithSummary("Gets one todo with its ETag.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        todos.MapPost("", TodoCommands.CreateTodo)
            .WithName("CreateTodo")
            .WithSummary("Creates a todo.")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        todos.MapPut("/{todoId}", TodoCommands.ReplaceTodo)
            .WithName("ReplaceTodo")
            .WithSummary("Replaces a todo's writable fields; honours If-Match.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        todos.MapPatch("/{todoId}", TodoCommands.PatchTodo)
            .Accepts<JsonElement>("application/merge-patch+json", "application/json")
            .WithName("PatchTodo")
            .WithSummary("Changes some fields of a todo (JSON merge patch); honours If-Match.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        todos.MapDelete("/{todoId}", TodoCommands.DeleteTodo)
            .WithName("DeleteTodo")
            .WithSummary("Deletes a todo; honours If-Match.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return app;
    }
}
