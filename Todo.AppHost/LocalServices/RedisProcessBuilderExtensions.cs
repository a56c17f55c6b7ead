using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Todo.AppHost.LocalServices;

public static class RedisProcessBuilderExtensions
{
    /// <summary>Adds a Redis server that runs from the machine's binary: memory only, password required, loopback only.</summary>
    public static IResourceBuilder<RedisProcessResource> AddRedisProcess(this IDistributedApplicationBuilder builder,
        string name, LocalBinaries binaries, string dataDirectory, ParameterResource password)
    {
        var server = new RedisProcessResource(name, binaries.RedisServer, dataDirectory, password);
        var port = FreePort.OnLoopback();

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server,
            (_, cancellationToken) => WriteConfigurationAsync(server, cancellationToken));

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheckKey,
            cancellationToken => CanPingAsync(server, cancellationToken));

        return builder.AddResource(server)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: RedisProcessResource.PrimaryEndpointName, isProxied: false)
            .WithArgs(server.ConfigurationFile, "--port", port.ToString(CultureInfo.InvariantCulture))
            .WithIconName("Memory")
            .WithHealthCheck(healthCheckKey);
    }

    private static async Task WriteConfigurationAsync(RedisProcessResource server, CancellationToken cancellationToken)
    {
        var password = await server.PasswordParameter.GetValueAsync(cancellationToken)
            ?? throw new InvalidOperationException($"The parameter '{server.PasswordParameter.Name}' has no value.");
        Directory.CreateDirectory(server.WorkingDirectory);
        string[] settings =
        [
            "bind 127.0.0.1 -::1",
            "protected-mode yes",
            $"requirepass \"{password}\"",
            "save \"\"",
            "appendonly no",
            $"dir \"{server.WorkingDirectory}\"",
            "maxmemory 256mb",
            "maxmemory-policy volatile-lru",
        ];
        await FilePermissions.WriteSecretFileAsync(server.ConfigurationFile, string.Join('\n', settings) + '\n', cancellationToken);
    }

    private static async Task<HealthCheckResult> CanPingAsync(RedisProcessResource server, CancellationToken cancellationToken)
    {
        try
        {
            var connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken);
            var options = ConfigurationOptions.Parse(connectionString!);
            options.AbortOnConnectFail = true;
            options.ConnectTimeout = 3000;
            await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
            await connection.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is RedisException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy(exception.Message);
        }
    }
}
