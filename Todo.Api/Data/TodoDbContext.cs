using Microsoft.EntityFrameworkCore;

namespace Todo.Api.Data;

/// <summary>The API's database; each table's mapping is an <see cref="IEntityTypeConfiguration{TEntity}"/> of this assembly.</summary>
public sealed class TodoDbContext(DbContextOptions<TodoDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(TodoDbContext).Assembly);
}
