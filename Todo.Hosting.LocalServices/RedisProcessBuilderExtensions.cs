using System.Text;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Todo.Hosting.LocalServices;

public static class RedisProcessBuilderExtensions
{
    /// <summary>
    /// Adds a Redis server that runs from the machine's binary: memory only, password required, a Unix socket and no
    /// TCP port, as the <c>redis</c> account when the AppHost is root, with the commands that could reach beyond Redis
    /// (changing where it writes, loading a module, debugging) switched off.
    /// </summary>
    public static IResourceBuilder<RedisProcessResource> AddRedisProcess(this IDistributedApplicationBuilder builder,
        string name, LocalBinaries binaries, string dataDirectory, ParameterResource password)
    {
        var account = ServerAccount.For(binaries.RedisAccount);
        PrivateDirectory.EnsureBase(Path.GetDirectoryName(dataDirectory)!);
        PrivateDirectory.EnsureFor(dataDirectory, account);

        var (command, accountArguments) = account.Command(binaries.RedisServer);
        var server = new RedisProcessResource(name, command, dataDirectory, password);
        UnixSocket.EnsureFits(server.Socket);

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server,
            (_, cancellationToken) => WriteConfigurationAsync(server, account, cancellationToken));

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheckKey,
            cancellationToken => CanPingAsync(server, cancellationToken));

        return builder.AddResource(server)
            .WithArgs([.. accountArguments, server.ConfigurationFile])
            .WithIconName("Memory")
            .WithHealthCheck(healthCheckKey);
    }

    private static async Task WriteConfigurationAsync(RedisProcessResource server, ServerAccount account, CancellationToken cancellationToken)
    {
        var password = await server.PasswordParameter.GetValueAsync(cancellationToken)
            ?? throw new InvalidOperationException($"The parameter '{server.PasswordParameter.Name}' has no value.");
        string[] settings =
        [
            "port 0",
            $"unixsocket {Quote(server.Socket)}",
            "unixsocketperm 700",
            "protected-mode yes",
            $"requirepass {Quote(password)}",
            // Read-only for clients, password or not: where Redis writes files, which modules it loads, DEBUG.
            "enable-protected-configs no",
            "enable-debug-command no",
            "enable-module-command no",
            "save \"\"",
            "appendonly no",
            $"dir {Quote(server.WorkingDirectory)}",
            "maxmemory 256mb",
            "maxmemory-policy volatile-lru",
        ];
        await FilePermissions.WriteSecretFileAsync(server.ConfigurationFile, string.Join('\n', settings) + '\n', cancellationToken);
        account.TakeOwnership(server.ConfigurationFile);
    }

    /// <summary>A double-quoted Redis configuration value: letters, digits and <c>/._-</c> as they are, every other byte as <c>\xHH</c>.</summary>
    public static string Quote(string value)
    {
        var quoted = new StringBuilder("\"");
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var character = (char)b;
            quoted.Append(char.IsAsciiLetterOrDigit(character) || character is '/' or '.' or '_' or '-' ? character.ToString() : $"\\x{b:x2}");
        }
        return quoted.Append('"').ToString();
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
