using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;

namespace Todo.Api.Data;

public static partial class TodoDatabaseExtensions
{
    /// <summary>How long one migration statement, or the wait for another instance's migrations, may take.</summary>
    public static readonly TimeSpan MigrationCommandTimeout = TimeSpan.FromMinutes(5);

    public static IHostApplicationBuilder AddTodoDatabase(this IHostApplicationBuilder builder)
    {
        // No automatic retries: while PostgreSQL is away a request fails fast with 503 and Retry-After
        // (RequestExceptionHandler) instead of holding its connection through a retry loop.
        var connectionString = "";
        builder.AddNpgsqlDbContext<TodoDbContext>("todos", settings =>
        {
            settings.DisableRetry = true;
            settings.DisableTracing = !builder.IsExportingTelemetry();
            // Replaced below: EF's CanConnect check opens fresh physical connections, slow under load.
            settings.DisableHealthChecks = true;
            settings.ConnectionString = connectionString =
                NpgsqlConnectionDefaults.Apply(settings.ConnectionString, ConnectionStringParts.Of(builder.Configuration, "todos")) ?? "";
        });
        builder.Services.AddSingleton<DatabaseCircuit>();
        builder.Services.AddSingleton<DatabaseRequestFilter>();
        builder.Services.AddSingleton(services => new TodoDatabaseHealthCheck(connectionString, services.GetRequiredService<DatabaseCircuit>()));
        builder.Services.AddHealthChecks().AddCheck<TodoDatabaseHealthCheck>(nameof(TodoDbContext));
        builder.Services.AddOptions<TodoDatabaseOptions>()
            .BindConfiguration(TodoDatabaseOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return builder;
    }

    /// <summary>
    /// Applies pending migrations before the API listens, unless <c>Database:MigrateOnStartup</c> is false (then run
    /// <c>dotnet ef database update</c> or the bundle before deploying). Safe when several instances start at once:
    /// they take turns under <see cref="MigrationLock"/>. While PostgreSQL cannot be reached it says once what it waits
    /// for and tries again, with growing pauses, for <c>Database:StartupTimeout</c>; false when it gave up.
    /// <paramref name="thenUnderLock"/> runs after the migrations, before the lock is released (false: it did not succeed).
    /// </summary>
    public static async Task<bool> MigrateTodoDatabaseAsync(this IHost app, bool always = false,
        Func<DatabaseFacade, CancellationToken, Task<bool>>? thenUnderLock = null)
    {
        var options = app.Services.GetRequiredService<IOptions<TodoDatabaseOptions>>().Value;
        if (!options.MigrateOnStartup && !always)
        {
            return true;
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TodoDatabaseExtensions));
        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var clock = app.Services.GetRequiredService<TimeProvider>();
        var giveUpAt = clock.GetUtcNow() + options.StartupTimeout;
        var pause = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var database = scope.ServiceProvider.GetRequiredService<TodoDbContext>().Database;
            var target = new Npgsql.NpgsqlConnectionStringBuilder(database.GetConnectionString());
            try
            {
                if (thenUnderLock is null && await AppliedMigrations.AreCompleteAsync(database, stopping))
                {
                    return true;
                }
                database.SetCommandTimeout(MigrationCommandTimeout);
                await using var migrationLock = await MigrationLock.AcquireAsync(database.GetConnectionString()!, stopping);
                await database.MigrateAsync(stopping);
                return thenUnderLock is null || await thenUnderLock(database, stopping);
            }
            catch (Exception exception) when (DatabaseFailures.IsUnavailable(exception) && !stopping.IsCancellationRequested)
            {
                if (attempt == 1)
                {
                    LogWaiting(logger, target.Host, target.Port, target.Database, options.StartupTimeout.TotalSeconds, exception.Message);
                }
                var remaining = giveUpAt - clock.GetUtcNow();
                if (remaining <= TimeSpan.Zero)
                {
                    LogGaveUp(logger, target.Host, target.Port, options.StartupTimeout.TotalSeconds);
                    return false;
                }
                await Task.Delay(pause < remaining ? pause : remaining, clock, stopping);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
            catch (Npgsql.PostgresException exception) when (!stopping.IsCancellationRequested)
            {
                LogRefused(logger, target.Host, target.Port, exception.SqlState, exception.MessageText);
                return false;
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> on the context's own pooled connection, opened for it and closed after.</summary>
    public static async Task<T> OnConnectionAsync<T>(this DatabaseFacade database, Func<Npgsql.NpgsqlConnection, Task<T>> work,
        CancellationToken cancellationToken = default)
    {
        await database.OpenConnectionAsync(cancellationToken);
        try
        {
            return await work((Npgsql.NpgsqlConnection)database.GetDbConnection());
        }
        finally
        {
            await database.CloseConnectionAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Waiting for PostgreSQL at {Host}:{Port} (database {Database}) for up to {Seconds} s before applying migrations: {Reason}")]
    private static partial void LogWaiting(ILogger logger, string? host, int port, string? database, double seconds, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "PostgreSQL at {Host}:{Port} did not answer within {Seconds} s; the API stops without listening.")]
    private static partial void LogGaveUp(ILogger logger, string? host, int port, double seconds);

    [LoggerMessage(Level = LogLevel.Critical, Message = "PostgreSQL at {Host}:{Port} refused the API ({SqlState}: {Reason}); the API stops without listening.")]
    private static partial void LogRefused(ILogger logger, string? host, int port, string sqlState, string reason);
}

public sealed class TodoDatabaseOptions
{
    public const string SectionName = "Database";

    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>
    /// How long a starting API waits for PostgreSQL before it gives up and exits non-zero. On ECS keep it below the
    /// time the load balancer allows a new task (health-check grace period plus the failed checks that mark it
    /// unhealthy), so a database that stays away fails the deployment's circuit breaker rather than hanging it.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00", "00:30:00")]
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>The longest a request waits on PostgreSQL before it is answered 503 with <c>Retry-After</c>.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
