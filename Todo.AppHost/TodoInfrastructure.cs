using Aspire.Hosting.ApplicationModel;
using Todo.Hosting.LocalServices;

namespace Todo.AppHost;

/// <summary>
/// PostgreSQL and Redis for the todo service: containers, or the machine's own servers as processes.
/// This is the one place that branches on <see cref="LocalServicesMode"/>; both branches give the API
/// the same resource names and connection strings.
/// </summary>
/// <remarks>
/// Process mode starts in this order: the binaries are found (<see cref="LocalBinaries"/>, or one message naming the
/// packages to install); the data directories are checked and closed (<see cref="PrivateDirectory"/>) while the model is
/// built; before each server starts, PostgreSQL's cluster is initialised or its password brought in step
/// (<see cref="PostgresCluster"/>) and Redis's configuration written; the servers start on their Unix sockets; their
/// health checks pass; then the <c>todos</c> database is created and the API, which waits for both, starts.
/// </remarks>
public static class TodoInfrastructure
{
    public const string LocalServicesKey = "Todo:LocalServices";

    /// <summary>The container volume PostgreSQL keeps its data in (tests give each run a volume of its own).</summary>
    public const string PostgresVolumeKey = "Todo:PostgresVolume";

    /// <summary>Publishing always uses containers, so the manifest and AWS see one model.</summary>
    public static LocalServicesMode ResolveLocalServicesMode(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return LocalServicesMode.Containers;
        }

        var configured = builder.Configuration[LocalServicesKey] ?? nameof(LocalServicesMode.Auto);
        if (!Enum.TryParse<LocalServicesMode>(configured, ignoreCase: true, out var mode) || !Enum.IsDefined(mode))
        {
            throw new DistributedApplicationException(
                $"{LocalServicesKey} is '{configured}'; use auto, containers or processes.");
        }

        return mode switch
        {
            LocalServicesMode.Auto => ContainerRuntimeProbe.AnyRuntimeIsHealthy() ? LocalServicesMode.Containers : LocalServicesMode.Processes,
            _ => mode,
        };
    }

    /// <summary>The <c>postgres</c> server and its <c>todos</c> database.</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddTodoDatabase(
        this IDistributedApplicationBuilder builder, LocalServicesMode mode)
    {
        if (mode is LocalServicesMode.Containers)
        {
            // A fixed volume name: the default one hashes the AppHost's path into the manifest.
            return builder.AddPostgres("postgres").WithDataVolume(builder.Configuration[PostgresVolumeKey] ?? "todo-postgres-data").AddDatabase("todos");
        }

        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, "postgres-password");
        return builder
            .AddPostgresProcess("postgres", LocalBinaries.Find(), LocalDirectory(builder, "postgres"), password)
            .AddDatabase("todos");
    }

    /// <summary>The <c>cache</c> Redis server shared by every API instance.</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddTodoCache(
        this IDistributedApplicationBuilder builder, LocalServicesMode mode)
    {
        if (mode is LocalServicesMode.Containers)
        {
            return builder.AddRedis("cache");
        }

        // The same parameter AddRedis generates, so both modes share one stored secret.
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, "cache-password", special: false);
        return builder.AddRedisProcess("cache", LocalBinaries.Find(), LocalDirectory(builder, "redis"), password);
    }

    private static string LocalDirectory(IDistributedApplicationBuilder builder, string server) =>
        Path.Combine(LocalDataDirectory.Resolve(builder.Configuration), server);
}
