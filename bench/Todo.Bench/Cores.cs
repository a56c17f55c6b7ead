namespace Todo.Bench;

/// <summary>Pins the API to core 0 and everything else (wrk, PostgreSQL, Redis) to core 1, where the machine has two.</summary>
public static class Cores
{
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
    public static void PinServers(params string[] patterns)
    {
        if (!CanPin)
        {
            return;
        }
        var servers = patterns.SelectMany(pattern => Run("pgrep", ["-f", pattern]).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var children = servers.SelectMany(pid => Run("pgrep", ["-P", pid]).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        foreach (var pid in servers.Concat(children).Distinct())
        {
            Run("taskset", ["-a", "-p", "-c", "1", pid]);
        }
    }

    private static string Run(string fileName, IEnumerable<string> arguments)
    {
        var startInfo = new System.Diagnostics.ProcessStartInfo(fileName, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
