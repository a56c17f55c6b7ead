namespace Todo.Api.Todos;

/// <summary>A todo as clients see it: the workshop service's field names, plus server-set timestamps.</summary>
public sealed record TodoResponse(
    Guid TodoId,
    string Title,
    string Description,
    DateTime DueDate,
    TodoStatus Status,
    string UserEmail,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static TodoResponse From(TodoItem todo) => new(
        todo.Id, todo.Title, todo.Description, todo.DueDate, todo.Status, todo.UserEmail, todo.CreatedAt, todo.UpdatedAt);
}
