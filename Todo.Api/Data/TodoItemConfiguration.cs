using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Todo.Api.Identity;
using Todo.Api.Todos;

namespace Todo.Api.Data;

public sealed class TodoItemConfiguration : IEntityTypeConfiguration<TodoItem>
{
    public const string IdempotencyKeyIndex = "ux_todos_owner_id_idempotency_key";

    public void Configure(EntityTypeBuilder<TodoItem> todo)
    {
        todo.ToTable("todos", table => table.HasCheckConstraint("ck_todos_status",
            $"status IN ('{TodoStatusNames.Pending}', '{TodoStatusNames.InProgress}', '{TodoStatusNames.Done}')"));

        todo.HasKey(t => t.Id).HasName("pk_todos");
        todo.Property(t => t.Id).HasColumnName("todo_id").ValueGeneratedNever();
        todo.Property(t => t.Owner).HasColumnName("owner_id").HasMaxLength(TodoCallers.MaxSubjectLength);
        todo.Property(t => t.Title).HasColumnName("title").HasMaxLength(TodoLimits.TitleMaxLength);
        todo.Property(t => t.Description).HasColumnName("description").HasMaxLength(TodoLimits.DescriptionMaxLength);
        todo.Property(t => t.DueDate).HasColumnName("due_date");
        todo.Property(t => t.Status).HasColumnName("status").HasMaxLength(16)
            .HasConversion(status => TodoStatusNames.ToName(status), name => TodoStatusNames.Parse(name));
        todo.Property(t => t.UserEmail).HasColumnName("user_email").HasMaxLength(TodoLimits.UserEmailMaxLength);
        todo.Property(t => t.CreatedAt).HasColumnName("created_at");
        todo.Property(t => t.UpdatedAt).HasColumnName("updated_at");
        todo.Property(t => t.Version).IsRowVersion();
        todo.Property(t => t.IdempotencyKey).HasColumnName("idempotency_key").HasMaxLength(IdempotencyKeys.MaxLength);
        todo.Property(t => t.IdempotencyFingerprint).HasColumnName("idempotency_fingerprint").HasMaxLength(64).IsFixedLength();

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
