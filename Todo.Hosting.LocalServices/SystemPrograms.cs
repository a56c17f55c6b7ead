namespace Todo.Hosting.LocalServices;

/// <summary>
/// Finds the programs the AppHost runs by absolute path, on the absolute entries of <c>PATH</c> only. A relative entry
/// (<c>.</c>, <c>bin</c>, an empty one) means whatever directory a command is started from, where anyone who can write
/// could put a <c>redis-server</c> of their own to be run as root; and .NET, given a bare name, would look in the
/// working directory before <c>PATH</c>.
/// </summary>
public static class SystemPrograms
{
    public static string SearchPath => Environment.GetEnvironmentVariable("PATH") ?? "";

    /// <summary>The full path of <paramref name="program"/> in the first absolute directory of <paramref name="searchPath"/> that has it.</summary>
    public static string? Find(string program, string searchPath) =>
        searchPath
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(Path.IsPathFullyQualified)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);

    public static string Require(string program) =>
        Find(program, SearchPath)
        ?? throw new InvalidOperationException($"'{program}' is not in any absolute directory of PATH ({SearchPath}).");
}
