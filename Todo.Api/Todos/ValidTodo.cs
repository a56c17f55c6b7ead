namespace Todo.Api.Todos;

/// <summary>The writable fields of a todo after <see cref="TodoValidator"/> accepted them.</summary>
public sealed record ValidTodo(string Title, string Description, DateTime DueDate, TodoStatus Status, string UserEmail)
{
    public TodoItem ToNewItem(Guid id, DateTime now, string? idempotencyKey = null) => new()
    {
        Id = id,
        IdempotencyKey = idempotencyKey,
        IdempotencyFingerprint = idempotencyKey is null ? null : IdempotencyKeys.Fingerprint(this),
        Title = Title,
        Description = Description,
        DueDate = DueDate,
        Status = Status,
        UserEmail = UserEmail,
        CreatedAt = now,
        UpdatedAt = now,
    };
}
