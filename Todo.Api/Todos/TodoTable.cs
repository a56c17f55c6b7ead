using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Todo.Api.Identity;

namespace Todo.Api.Todos;

/// <summary>
/// The <c>todos</c> table: the names of its columns, which EF Core's mapping of <see cref="TodoItem"/> below and the
/// statements written by hand (<see cref="TodoStore"/>, <see cref="TodoGroupCommit"/>) both take from here.
/// </summary>
public sealed class TodoTable : IEntityTypeConfiguration<TodoItem>
{
    public const string Name = "todos";
    public const string Id = "todo_id";
    public const string Owner = "owner_id";
    public const string Title = "title";
    public const string Description = "description";
    public const string DueDate = "due_date";
    public const string Status = "status";
    public const string UserEmail = "user_email";
    public const string CreatedAt = "created_at";
    public const string UpdatedAt = "updated_at";
    public const string IdempotencyKey = "idempotency_key";
    public const string IdempotencyFingerprint = "idempotency_fingerprint";

    /// <summary>PostgreSQL's row version, a system column: Npgsql maps a <c>uint</c> row version onto it.</summary>
    public const string Version = "xmin";

    public const string IdempotencyKeyIndex = "ux_todos_owner_id_idempotency_key";

    public void Configure(EntityTypeBuilder<TodoItem> todo)
    {
        todo.ToTable(Name, table => table.HasCheckConstraint("ck_todos_status",
            $"{Status} IN ('{TodoStatusNames.Pending}', '{TodoStatusNames.InProgress}', '{TodoStatusNames.Done}')"));

        todo.HasKey(t => t.Id).HasName("pk_todos");
        todo.Property(t => t.Id).HasColumnName(Id).ValueGeneratedNever();
        todo.Property(t => t.Owner).HasColumnName(Owner).HasMaxLength(TodoCallers.MaxSubjectLength);
        todo.Property(t => t.Title).HasColumnName(Title).HasMaxLength(TodoLimits.TitleMaxLength);
        todo.Property(t => t.Description).HasColumnName(Description).HasMaxLength(TodoLimits.DescriptionMaxLength);
        todo.Property(t => t.DueDate).HasColumnName(DueDate);
        todo.Property(t => t.Status).HasColumnName(Status).HasMaxLength(16)
            .HasConversion(status => TodoStatusNames.ToName(status), name => TodoStatusNames.Parse(name));
        todo.Property(t => t.UserEmail).HasColumnName(UserEmail).HasMaxLength(TodoLimits.UserEmailMaxLength);
        todo.Property(t => t.CreatedAt).HasColumnName(CreatedAt);
        todo.Property(t => t.UpdatedAt).HasColumnName(UpdatedAt);
        todo.Property(t => t.Version).IsRowVersion();
        todo.Property(t => t.IdempotencyKey).HasColumnName(IdempotencyKey).HasMaxLength(IdempotencyKeys.MaxLength);
        todo.Property(t => t.IdempotencyFingerprint).HasColumnName(IdempotencyFingerprint).HasMaxLength(64).IsFixedLength();

        // Every list filter walks an index in todo_id order, so a page costs the same at any depth: an owner's pages
        // (with or without a status) and the admin's across owners.
        todo.HasIndex(t => new { t.Owner, t.Id }).HasDatabaseName("ix_todos_owner_id_todo_id");
        todo.HasIndex(t => new { t.Owner, t.Status, t.Id }).HasDatabaseName("ix_todos_owner_id_status_todo_id");
        todo.HasIndex(t => new { t.Status, t.Id }).HasDatabaseName("ix_todos_status_todo_id");
        todo.HasIndex(t => new { t.UserEmail, t.Id }).HasDatabaseName("ix_todos_user_email_todo_id");
        // An Idempotency-Key is its owner's: two users' keys never collide.
        todo.HasIndex(t => new { t.Owner, t.IdempotencyKey }).IsUnique().HasDatabaseName(IdempotencyKeyIndex);
    }
}
