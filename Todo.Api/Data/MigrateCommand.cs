using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Todo.Api.Data;

/// <summary>
/// <c>Todo.Api migrate</c>: applies the migrations, grants the application's role (when one is named) what the API
/// needs, and exits; zero when both are done. A deployment runs it with the schema owner's credentials before the API
/// starts with the role's (on ECS, a container that runs to completion before the API's own starts).
/// </summary>
public static partial class MigrateCommand
{
    public const string Name = "migrate";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddTodoDatabase();
        builder.Services.AddOptions<ApplicationRoleOptions>()
            .BindConfiguration(ApplicationRoleOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        using var host = builder.Build();
        await host.StartAsync();
        if (!await host.MigrateTodoDatabaseAsync(always: true))
        {
            return 1;
        }
        var role = host.Services.GetRequiredService<IOptions<ApplicationRoleOptions>>().Value;
        if (role.Name is not null)
        {
            await using var scope = host.Services.CreateAsyncScope();
            var database = scope.ServiceProvider.GetRequiredService<TodoDbContext>().Database;
            try
            {
                await database.OnConnectionAsync(async connection =>
                {
                    await ApplicationRole.GrantAsync(connection, role, CancellationToken.None);
                    return true;
                });
            }
            catch (Exception exception) when (exception is InvalidOperationException or Npgsql.PostgresException)
            {
                LogNotGranted(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MigrateCommand)), role.Name, exception.Message);
                return 1;
            }
        }
        await host.StopAsync();
        return 0;
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The migrations are applied but role {Role} is not granted: {Reason}")]
    private static partial void LogNotGranted(ILogger logger, string role, string reason);
}
