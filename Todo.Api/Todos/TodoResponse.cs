namespace Todo.Api.Todos;

/// <summary>A todo as clients see it: the workshop service's field names, plus its owner and server-set timestamps.</summary>
public sealed record TodoResponse(
    Guid TodoId,
    string Title,
    string Description,
    DateTime DueDate,
    TodoStatus Status,
    string UserEmail,
    [property: System.ComponentModel.Description("The subject (sub) of the token that created it; empty for todos made without one.")] string Owner,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static TodoResponse From(TodoItem todo) => new(
        todo.Id, todo.Title, todo.Description, todo.DueDate, todo.Status, todo.UserEmail, todo.Owner, todo.CreatedAt, todo.UpdatedAt);
}
