using Microsoft.AspNetCore.Http.HttpResults;

namespace Todo.Api.Todos;

/// <summary>The read handlers. Their responses are cached in the shared store under <see cref="TodoStore"/>'s keys.</summary>
public static class TodoQueries
{
    /// <summary>Someone else's todo is as absent as one that does not exist: 404, and nothing says it exists.</summary>
    public static async Task<Results<Ok<TodoResponse>, ValidationProblem, ProblemHttpResult>> GetTodo(string todoId, [AsParameters] TodoServices todos)
    {
        if (!TodoIds.TryParse(todoId, out var id))
        {
            return TypedResults.ValidationProblem(TodoFields.InvalidTodoId());
        }
        if (await todos.Store.FindAsync(id, todos.Caller.OnlyOwner) is not { } todo)
        {
            return TodoProblems.NotFound(id);
        }

        todos.Context.Response.Headers.ETag = TodoETags.For(todo.Version);
        return TypedResults.Ok(TodoResponse.From(todo));
    }

    /// <summary>
    /// Newest first, one page at a time (<c>limit</c> todos, fewer where they would pass <see cref="TodoLimits.MaxPageBytes"/>);
    /// <c>Link: rel="next"</c> names the following page while there is one. Only the caller's own todos, unless the
    /// caller sees every owner's (who may then filter by <c>owner</c>).
    /// </summary>
    public static async Task<Results<Ok<List<TodoResponse>>, ValidationProblem, ProblemHttpResult>> ListTodos(
        string? status, string? userEmail, string? owner, string? limit, string? after, [AsParameters] TodoServices todos)
    {
        if (!TodoListQuery.TryParse(status, userEmail, owner, limit, after, out var query, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (query.Owner is not null && !todos.Caller.SeesEveryOwner)
        {
            return TodoProblems.OwnerFilterForbidden();
        }

        var page = await todos.Store.ListAsync(query, todos.Caller.OnlyOwner, todos.Aborted);
        if (page.HasMore)
        {
            todos.Context.Response.Headers.Link = query.NextPageLink(page.Todos[^1].TodoId);
        }
        return TypedResults.Ok(page.Todos);
    }
}
