namespace Todo.Api.Todos;

/// <summary>
/// A change to a todo's writable fields, each already checked by <see cref="TodoFields"/>: a null field stays as it is.
/// A merge patch names some fields; a replace names them all.
/// </summary>
public sealed record TodoChange(string? Title, string? Description, DateTime? DueDate, TodoStatus? Status, string? UserEmail)
{
    public static TodoChange None { get; } = new(null, null, null, null, null);

    public static TodoChange Replace(ValidTodo todo) => new(todo.Title, todo.Description, todo.DueDate, todo.Status, todo.UserEmail);
}
