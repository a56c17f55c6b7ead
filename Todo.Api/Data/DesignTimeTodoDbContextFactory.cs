using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Todo.Api.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the app or reaching a server.</summary>
public sealed class DesignTimeTodoDbContextFactory : IDesignTimeDbContextFactory<TodoDbContext>
{
    public TodoDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<TodoDbContext>().UseNpgsql("Host=localhost;Database=todos").Options);
}
