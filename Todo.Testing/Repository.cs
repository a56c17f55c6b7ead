namespace Todo.Testing;

public static class Repository
{
    /// <summary>The checkout the tests were built from: the directory holding Todo.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the configuration the tests, and so the projects they reference, were built in.</summary>
    public static string BuildConfiguration { get; } = OutputDirectory.Parent?.Name is { Length: > 0 } name ? name : "Debug";

    /// <summary>The target framework the tests, and so the projects they reference, were built for (<c>net10.0</c>).</summary>
    public static string TargetFramework { get; } = OutputDirectory.Name;

    private static DirectoryInfo OutputDirectory => new(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Todo.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Todo.sln not found above the test output.");
    }
}
