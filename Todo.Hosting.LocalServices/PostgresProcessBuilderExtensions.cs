using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Todo.Hosting.LocalServices;

public static class PostgresProcessBuilderExtensions
{
    /// <summary>
    /// Adds a PostgreSQL server that runs from the machine's binaries, as the <c>postgres</c> account when the AppHost is
    /// root, and keeps its cluster in <paramref name="dataDirectory"/>, initialised once with <paramref name="password"/>.
    /// It listens on a Unix socket there and on no TCP port.
    /// </summary>
    public static IResourceBuilder<PostgresProcessResource> AddPostgresProcess(this IDistributedApplicationBuilder builder,
        string name, LocalBinaries binaries, string dataDirectory, ParameterResource password)
    {
        var account = ServerAccount.For(PostgresProcessResource.UserName);
        PrivateDirectory.EnsureBase(Path.GetDirectoryName(dataDirectory)!);
        PrivateDirectory.EnsureFor(dataDirectory, account);

        var (command, accountArguments) = account.Command(binaries.Postgres);
        var server = new PostgresProcessResource(name, command, dataDirectory, account, password);
        UnixSocket.EnsureFits($"{server.Socket}.lock");

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server,
            (_, cancellationToken) => PostgresCluster.EnsureInitializedAsync(server, binaries, cancellationToken));
        builder.Eventing.Subscribe<ResourceReadyEvent>(server,
            (_, cancellationToken) => PostgresCluster.CreateDatabasesAsync(server, cancellationToken));

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheckKey,
            cancellationToken => CanConnectAsync(server, "postgres", cancellationToken));

        return builder.AddResource(server)
            .WithArgs([
                .. accountArguments,
                "-D", server.ClusterDirectory,
                "-p", PostgresProcessResource.SocketPort.ToString(CultureInfo.InvariantCulture),
                "-c", "listen_addresses=",
                // A list of directories, so the path is quoted as a list element.
                "-c", $"unix_socket_directories=\"{server.WorkingDirectory.Replace("\"", "\"\"", StringComparison.Ordinal)}\"",
                "-c", "unix_socket_permissions=0700",
                "-c", "max_connections=300",
            ])
            .WithIconName("DatabaseMultiple")
            .WithHealthCheck(healthCheckKey);
    }

    public static IResourceBuilder<PostgresProcessDatabaseResource> AddDatabase(
        this IResourceBuilder<PostgresProcessResource> server, string name, string? databaseName = null)
    {
        var database = new PostgresProcessDatabaseResource(name, databaseName ?? name, server.Resource);
        server.Resource.Databases[name] = database.DatabaseName;

        var healthCheckKey = $"{name}_check";
        server.ApplicationBuilder.Services.AddHealthChecks().AddAsyncCheck(healthCheckKey,
            cancellationToken => CanConnectAsync(server.Resource, database.DatabaseName, cancellationToken));

        return server.ApplicationBuilder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.NotStarted,
                Properties = [],
            })
            .OnInitializeResource((resource, initialize, _) =>
            {
                // Aspire mirrors a container's state onto its databases, but not an executable's: do it here.
                var stopping = initialize.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
                Task.Run(() => MirrorServerStateAsync(resource, initialize.Notifications, stopping), stopping);
                return Task.CompletedTask;
            })
            .WithIconName("Database")
            .WithHealthCheck(healthCheckKey);
    }

    private static async Task MirrorServerStateAsync(PostgresProcessDatabaseResource database,
        ResourceNotificationService notifications, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(cancellationToken))
            {
                if (update.Resource == database.Parent)
                {
                    await notifications.PublishUpdateAsync(database, snapshot => snapshot with
                    {
                        State = update.Snapshot.State,
                        StartTimeStamp = update.Snapshot.StartTimeStamp,
                        StopTimeStamp = update.Snapshot.StopTimeStamp,
                    });
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static async Task<HealthCheckResult> CanConnectAsync(
        PostgresProcessResource server, string database, CancellationToken cancellationToken)
    {
        try
        {
            var connectionString = await PostgresCluster.MaintenanceConnectionStringAsync(server, cancellationToken, database);
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy(exception.Message);
        }
    }
}
