using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Todo.Api.Data;
using Todo.Api.Identity;

namespace Todo.Api.Todos;

/// <summary>The read handlers. Their responses are cached in the shared store by <see cref="TodoCache"/>.</summary>
public static class TodoQueries
{
    // Compiled once: no expression-tree walk or query-cache lookup on the hottest uncached path.
    private static readonly Func<TodoDbContext, Guid, Task<TodoItem?>> s_findById =
        EF.CompileAsyncQuery((TodoDbContext db, Guid id) => db.Todos.AsNoTracking().FirstOrDefault(t => t.Id == id));

    private static readonly Func<TodoDbContext, Guid, string, Task<TodoItem?>> s_findOwnedById =
        EF.CompileAsyncQuery((TodoDbContext db, Guid id, string owner) => db.Todos.AsNoTracking().FirstOrDefault(t => t.Id == id && t.Owner == owner));

    /// <summary>Someone else's todo is as absent as one that does not exist: 404, and nothing says it exists.</summary>
    public static async Task<Results<Ok<TodoResponse>, ValidationProblem, ProblemHttpResult>> GetTodo(
        string todoId, TodoCaller caller, TodoDbContext db, HttpResponse response, CancellationToken cancellationToken)
    {
        if (!TodoIds.TryParse(todoId, out var id))
        {
            return TypedResults.ValidationProblem(TodoFields.InvalidTodoId());
        }

        var todo = caller.OnlyOwner is { } owner ? await s_findOwnedById(db, id, owner) : await s_findById(db, id);
        if (todo is null)
        {
            return TodoProblems.NotFound(id);
        }

        response.Headers.ETag = TodoETags.For(todo.Version);
        return TypedResults.Ok(TodoResponse.From(todo));
    }

    /// <summary>
    /// Newest first, one page at a time (<c>limit</c> todos, fewer where they would pass <see cref="TodoLimits.MaxPageBytes"/>);
    /// <c>Link: rel="next"</c> names the following page while there is one. Only the caller's own todos, unless the
    /// caller sees every owner's (who may then filter by <c>owner</c>).
    /// </summary>
    public static async Task<Results<Ok<List<TodoResponse>>, ValidationProblem, ProblemHttpResult>> ListTodos(
        string? status, string? userEmail, string? owner, string? limit, string? after, TodoCaller caller,
        TodoDbContext db, HttpResponse response, CancellationToken cancellationToken)
    {
        if (!TodoListQuery.TryParse(status, userEmail, owner, limit, after, out var query, out var errors))
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (query.Owner is not null && !caller.SeesEveryOwner)
        {
            return TodoProblems.OwnerFilterForbidden();
        }

        var todos = db.Todos.AsNoTracking();
        if ((caller.OnlyOwner ?? query.Owner) is { } onlyOwner)
        {
            todos = todos.Where(t => t.Owner == onlyOwner);
        }
        if (query.Status is { } wantedStatus)
        {
            todos = todos.Where(t => t.Status == wantedStatus);
        }
        if (query.UserEmail is { } email)
        {
            todos = todos.Where(t => t.UserEmail == email);
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
            .Select(t => new TodoResponse(t.Id, t.Title, t.Description, t.DueDate, t.Status, t.UserEmail, t.Owner, t.CreatedAt, t.UpdatedAt))
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
