namespace Todo.Api.Todos;

/// <summary>A todo as stored. Never bound from a request nor returned as is: see TodoRequest and TodoResponse.</summary>
public sealed class TodoItem
{
    public required Guid Id { get; init; }

    /// <summary>The subject (<c>sub</c>) of the token that created it; empty for todos made without one.</summary>
    public required string Owner { get; init; }

    public required string Title { get; set; }

    public required string Description { get; set; }

    public required DateTime DueDate { get; set; }

    public required TodoStatus Status { get; set; }

    public required string UserEmail { get; set; }

    public required DateTime CreatedAt { get; init; }

    public required DateTime UpdatedAt { get; set; }

    /// <summary>The <c>Idempotency-Key</c> the todo was created with, unique; null when none was sent.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>A hash of what the create asked for, to tell a retry from a reuse of the key.</summary>
    public string? IdempotencyFingerprint { get; init; }

    /// <summary>PostgreSQL's row version (<c>xmin</c>): the ETag, and the guard against lost updates.</summary>
    public uint Version { get; set; }
}
