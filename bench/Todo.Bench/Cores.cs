using Todo.Hosting.LocalServices;

namespace Todo.Bench;

/// <summary>Pins the API to core 0 and everything else (wrk, PostgreSQL, Redis) to core 1, where the machine has two.</summary>
public static class Cores
{
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromSeconds(30);

    public static bool CanPin => Environment.ProcessorCount >= 2 && File.Exists("/usr/bin/taskset");

    public static (string FileName, IEnumerable<string> Arguments) Pinned(int core, string fileName, IEnumerable<string> arguments)
    {
        string[] command = [.. Launcher(core), fileName, .. arguments];
        return (command[0], command[1..]);
    }

    /// <summary>The command that runs a program on <paramref name="core"/>, or nothing where pinning is impossible.</summary>
    public static IReadOnlyList<string> Launcher(int core) =>
        CanPin ? ["taskset", "-c", core.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [];

    /// <summary>
    /// Moves the processes whose command lines match <paramref name="patterns"/> (PostgreSQL, Redis), and their children,
    /// to core 1 beside wrk, so the API has core 0 to itself. Backends PostgreSQL forks later inherit the placement.
    /// </summary>
    public static async Task PinServersAsync(params string[] patterns)
    {
        if (!CanPin)
        {
            return;
        }
        var servers = new List<string>();
        foreach (var pattern in patterns)
        {
            servers.AddRange(await ProcessIdsAsync(["-f", pattern]));
        }
        var children = new List<string>();
        foreach (var pid in servers)
        {
            children.AddRange(await ProcessIdsAsync(["-P", pid]));
        }
        foreach (var pid in servers.Concat(children).Distinct())
        {
            await RunAsync("taskset", ["-a", "-p", "-c", "1", pid]);
        }
    }

    private static async Task<string[]> ProcessIdsAsync(string[] pgrepArguments) =>
        (await RunAsync("pgrep", pgrepArguments)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments) =>
        (await ExternalCommand.RunAsync(fileName, arguments, s_commandTimeout)).Output;
}
