using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Todo.Api.Data;

namespace Todo.Api.Todos;

/// <summary>The read handlers. Their responses are cached in the shared store by <see cref="TodoCache"/>.</summary>
public static class TodoQueries
{
    // Compiled once: no expression-tree walk or query-cache lookup on the hottest uncached path.
    private static readonly Func<TodoDbContext, Guid, Task<TodoItem?>> s_findById =
        EF.CompileAsyncQuery((TodoDbContext db, Guid id) => db.Todos.AsNoTracking().FirstOrDefault(t => t.Id == id));

    public static async Task<Results<Ok<TodoResponse>, ValidationProblem, ProblemHttpResult>> GetTodo(
        string todoId, TodoDbContext db, HttpResponse response, CancellationToken cancellationToken)
    {
        if (!TodoIds.TryParse(todoId, out var id))
        {
            return TypedResults.ValidationProblem(TodoFields.InvalidTodoId());
        }

        var todo = await s_findById(db, id);
        if (todo is null)
        {
            return TodoProblems.NotFound(id);
        }

        response.Headers.ETag = TodoETags.For(todo.Version);
        return TypedResults.Ok(TodoResponse.From(todo));
    }

    /// <summary>
    /// Newest first, one page at a time (<c>limit</c> todos, fewer where they would pass <see cref="TodoLimits.MaxPageBytes"/>);
    /// <c>Link: rel="next"</c> names the following page while there is one.
    /// </summary>
    public static async Task<Results<Ok<List<TodoResponse>>, ValidationProblem>> ListTodos(
        string? status, string? userEmail, string? limit, string? after,
        TodoDbContext db, HttpResponse response, CancellationToken cancellationToken)
    {
        if (!TodoListQuery.TryParse(status, userEmail, limit, after, out var query, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }

        var todos = db.Todos.AsNoTracking();
        if (query.Status is { } wantedStatus)
        {
            todos = todos.Where(t => t.Status == wantedStatus);
        }
        if (query.UserEmail is { } owner)
        {
            todos = todos.Where(t => t.UserEmail == owner);
        }
        if (query.After is { } cursor)
        {
            todos = todos.Where(t => t.Id.CompareTo(cursor) < 0);
        }

        // Streamed, so rows past a full page are never materialised.
        var page = new TodoPage(query.Limit);
        var rows = todos
            .OrderByDescending(t => t.Id)
            .Take(query.Limit + 1)
            .Select(t => new TodoResponse(t.Id, t.Title, t.Description, t.DueDate, t.Status, t.UserEmail, t.CreatedAt, t.UpdatedAt))
            .AsAsyncEnumerable();
        await foreach (var todo in rows.WithCancellation(cancellationToken))
        {
            if (!page.TryAdd(todo))
            {
                break;
            }
        }

        if (page.HasMore)
        {
            response.Headers.Link = query.NextPageLink(page.Todos[^1].TodoId);
        }
        return TypedResults.Ok(page.Todos);
    }
}
