using System.Globalization;

namespace Todo.Bench;

/// <summary>
/// A memory cgroup for the API, as a Fargate task's memory is one: the runtime reads the limit and keeps its heap within
/// three quarters of it. Where this machine lets no cgroup be made, there is none, and no task-sized run.
/// </summary>
public sealed class MemoryLimit : IDisposable
{
    private readonly string _directory;

    private MemoryLimit(string directory, int mebibytes) => (_directory, MiB) = (directory, mebibytes);

    public int MiB { get; }

    public static MemoryLimit? TryCreate(string name, int mebibytes)
    {
        // cgroup v2 has one tree and memory.max; v1 a tree of the memory controller's own and memory.limit_in_bytes.
        (string Root, string Marker, string Limit)[] kinds =
        [
            ("/sys/fs/cgroup", "cgroup.controllers", "memory.max"),
            ("/sys/fs/cgroup/memory", "memory.limit_in_bytes", "memory.limit_in_bytes"),
        ];
        foreach (var (root, marker, limit) in kinds.Where(kind => File.Exists(Path.Combine(kind.Root, kind.Marker))))
        {
            var directory = Path.Combine(root, name);
            try
            {
                Directory.CreateDirectory(directory);
                File.WriteAllText(Path.Combine(directory, limit), (mebibytes * 1024L * 1024).ToString(CultureInfo.InvariantCulture));
                return new MemoryLimit(directory, mebibytes);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                TryRemove(directory);
            }
        }
        return null;
    }

    /// <summary>Runs <paramref name="command"/> inside the cgroup.</summary>
    public IReadOnlyList<string> Launcher(IReadOnlyList<string> command) =>
        ["sh", "-c", $"echo $$ > {_directory}/cgroup.procs && exec \"$@\"", "sh", .. command];

    /// <summary>Once the API inside has exited: a cgroup with a process in it cannot be removed.</summary>
    public void Dispose() => TryRemove(_directory);

    private static void TryRemove(string directory)
    {
        try
        {
            Directory.Delete(directory);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
        }
    }
}
