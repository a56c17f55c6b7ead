using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Todo.Hosting.LocalServices;

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
        var resource = Resource(app, name);
        if (ProcessMarker(resource) is { } marker)
        {
            await (freeze ? StopTreeAsync(marker) : ContinueTree(marker));
            return;
        }
        if (resource is not ContainerResource)
        {
            throw new NotSupportedException($"'{name}' is neither a local server process nor a container.");
        }
        // The cgroup freezer stops every process of the container, those it forks meanwhile included.
        string[] arguments = [freeze ? "pause" : "unpause", ContainerId(app, name)];
        var (exitCode, output) = await ExternalCommand.RunAsync("docker", arguments, s_commandTimeout);
        Assert.True(exitCode == 0, $"docker {string.Join(' ', arguments)}: {output}");
    }

    /// <summary>The state of each process of a server run as local processes (R running, S sleeping, T stopped, …), from /proc.</summary>
    public static IReadOnlyDictionary<int, char> States(TodoServers servers, string name) =>
        ProcessTree(ProcessMarker(Resource(servers.App, name)) ?? throw new NotSupportedException($"'{name}' is not a local server process."));

    private static IResource Resource(DistributedApplication app, string name) =>
        app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(candidate => candidate.Name == name);

    /// <summary>What the command line of a local server's first process holds.</summary>
    private static string? ProcessMarker(IResource resource) => resource switch
    {
        PostgresProcessResource postgres => postgres.ClusterDirectory,
        // Redis replaces its command line with a title naming its address: "redis-server unixsocket:/…/redis.sock".
        RedisProcessResource redis => redis.Socket,
        _ => null,
    };

    /// <summary>
    /// Stops the server's processes until every one of them is stopped: a process forked before its parent was stopped
    /// is found on the next pass, and a pass that finds none running and none new ends it.
    /// </summary>
    private static async Task StopTreeAsync(string marker)
    {
        for (var clock = Stopwatch.StartNew(); ; await Task.Delay(5))
        {
            var running = ProcessTree(marker).Where(process => process.Value is not ('T' or 't' or 'Z')).Select(process => process.Key).ToList();
            if (running.Count == 0)
            {
                return;
            }
            Assert.True(clock.Elapsed < s_commandTimeout, $"processes {string.Join(", ", running)} of '{marker}' did not stop");
            running.ForEach(pid => Kill(pid, SignalStop));
        }
    }

    private static Task ContinueTree(string marker)
    {
        foreach (var pid in ProcessTree(marker).Keys)
        {
            Kill(pid, SignalContinue);
        }
        return Task.CompletedTask;
    }

    /// <summary>The processes whose command line names <paramref name="marker"/>, and all their descendants, with each one's state.</summary>
    private static Dictionary<int, char> ProcessTree(string marker)
    {
        var parents = new Dictionary<int, int>();
        var states = new Dictionary<int, char>();
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
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                states[pid] = fields[0][0];
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
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
        return tree.ToDictionary(pid => pid, pid => states[pid]);
    }

    private const int SignalContinue = 18;
    private const int SignalStop = 19;

    /// <summary>Signals a process; one that has ended meanwhile needs none.</summary>
    private static void Kill(int pid, int signal)
    {
        if (SendSignal(pid, signal) != 0 && Marshal.GetLastPInvokeError() != NoSuchProcess)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private const int NoSuchProcess = 3;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private static string ContainerId(DistributedApplication app, string name) =>
        app.ResourceNotifications.TryGetCurrentState(name, out var state)
        && state.Snapshot.Properties.FirstOrDefault(property => property.Name == "container.id")?.Value is string id
            ? id
            : throw new InvalidOperationException($"'{name}' has no container id.");
}
