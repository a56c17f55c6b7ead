using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Todo.AppHost.LocalServices;

namespace Todo.Tests.Infrastructure;

/// <summary>
/// Makes a server hang with its sockets open, as a failover, a partition that drops packets, a stalled disk or a paused
/// machine do: every process of it stopped where it stands (SIGSTOP, postmaster and backends alike), or its container
/// paused; then thawed. Connections stay established and connection attempts are still accepted by the kernel, but
/// nothing is ever answered.
/// </summary>
public static class ServerFreezer
{
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromSeconds(30);

    public static Task FreezeAsync(this TodoServers servers, string resource) => SignalAsync(servers.App, resource, freeze: true);

    public static Task ThawAsync(this TodoServers servers, string resource) => SignalAsync(servers.App, resource, freeze: false);

    private static async Task SignalAsync(DistributedApplication app, string name, bool freeze)
    {
        var resource = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(candidate => candidate.Name == name);
        var (command, arguments) = resource switch
        {
            PostgresProcessResource postgres => ("kill", (string[])[freeze ? "-STOP" : "-CONT", .. ProcessTree(postgres.ClusterDirectory)]),
            // Redis replaces its command line with a title naming its address: "redis-server unixsocket:/…/redis.sock".
            RedisProcessResource redis => ("kill", [freeze ? "-STOP" : "-CONT", .. ProcessTree(redis.Socket)]),
            ContainerResource => ("docker", [freeze ? "pause" : "unpause", ContainerId(app, name)]),
            _ => throw new NotSupportedException($"'{name}' is neither a local server process nor a container."),
        };
        var (exitCode, output) = await ExternalCommand.RunAsync(command, arguments, s_commandTimeout);
        Assert.True(exitCode == 0, $"{command} {string.Join(' ', arguments)}: {output}");
    }

    /// <summary>The processes whose command line names <paramref name="marker"/>, and all their descendants.</summary>
    private static IEnumerable<string> ProcessTree(string marker)
    {
        var parents = new Dictionary<int, int>();
        var roots = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                // pid (comm) state ppid …: the command name may hold spaces and parentheses, so read after the last ')'.
                parents[pid] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                if (File.ReadAllText(Path.Combine(directory, "cmdline")).Contains(marker, StringComparison.Ordinal))
                {
                    roots.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while it was being read.
            }
        }
        Assert.NotEmpty(roots);
        var tree = new HashSet<int>(roots);
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var (pid, parent) in parents)
            {
                grew |= tree.Contains(parent) && tree.Add(pid);
            }
        }
        return tree.Select(pid => pid.ToString(CultureInfo.InvariantCulture));
    }

    private static string ContainerId(DistributedApplication app, string name) =>
        app.ResourceNotifications.TryGetCurrentState(name, out var state)
        && state.Snapshot.Properties.FirstOrDefault(property => property.Name == "container.id")?.Value is string id
            ? id
            : throw new InvalidOperationException($"'{name}' has no container id.");
}
