using Microsoft.EntityFrameworkCore;

namespace Todo.Api.Data;

public static class TodoDatabaseExtensions
{
    public static IHostApplicationBuilder AddTodoDatabase(this IHostApplicationBuilder builder)
    {
        // No automatic retries: while PostgreSQL is away a request fails fast with 503 and Retry-After
        // (RequestExceptionHandler) instead of holding its connection through a retry loop.
        builder.AddNpgsqlDbContext<TodoDbContext>("todos", settings =>
        {
            settings.DisableRetry = true;
            // Replaced below: EF's CanConnect check opens fresh physical connections, slow under load.
            settings.DisableHealthChecks = true;
            settings.ConnectionString = NpgsqlConnectionDefaults.Apply(settings.ConnectionString, ConnectionStringParts.Of(builder.Configuration, "todos"));
        });
        builder.Services.AddHealthChecks().AddDbContextCheck<TodoDbContext>(nameof(TodoDbContext),
            customTestQuery: async (db, cancellationToken) => await db.Database.ExecuteSqlRawAsync("SELECT 1", cancellationToken) == -1);
        builder.Services.AddOptions<TodoDatabaseOptions>().BindConfiguration(TodoDatabaseOptions.SectionName);
        return builder;
    }

    /// <summary>
    /// Applies pending migrations before the API listens, unless <c>Database:MigrateOnStartup</c> is false (then run
    /// <c>dotnet ef database update</c> or the bundle before deploying). Safe when several instances start at once:
    /// they take turns under <see cref="MigrationLock"/>.
    /// </summary>
    public static async Task MigrateTodoDatabaseAsync(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TodoDatabaseOptions>>().Value.MigrateOnStartup)
        {
            return;
        }

        var stopping = app.Lifetime.ApplicationStopping;
        await using var scope = app.Services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<TodoDbContext>().Database;
        await using var migrationLock = await MigrationLock.AcquireAsync(database.GetConnectionString()!, stopping);
        await database.MigrateAsync(stopping);
    }
}

public sealed class TodoDatabaseOptions
{
    public const string SectionName = "Database";

    public bool MigrateOnStartup { get; set; } = true;
}
