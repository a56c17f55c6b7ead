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
        var role = host.Services.GetRequiredService<IOptions<ApplicationRoleOptions>>().Value;
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MigrateCommand));
        // Granted under the migrations' lock: two migration steps started together would otherwise both find the role
        // missing and both create it.
        var done = await host.MigrateTodoDatabaseAsync(always: true, role.Name is not { } name ? null : async (database, stopping) =>
        {
            try
            {
                return await database.OnConnectionAsync(async connection =>
                {
                    await ApplicationRole.GrantAsync(connection, role, stopping);
                    return true;
                }, stopping);
            }
            catch (Exception exception) when (exception is InvalidOperationException or Npgsql.PostgresException)
            {
                LogNotGranted(logger, name, exception.Message);
                return false;
            }
        });
        await host.StopAsync();
        return done ? 0 : 1;
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The migrations are applied but role {Role} is not granted: {Reason}")]
    private static partial void LogNotGranted(ILogger logger, string role, string reason);
}
