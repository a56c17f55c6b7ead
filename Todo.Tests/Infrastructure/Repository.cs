namespace Todo.Tests.Infrastructure;

public static class Repository
{
    /// <summary>The checkout the tests were built from: the directory holding Todo.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the configuration the tests, and so the projects they reference, were built in.</summary>
    public static string BuildConfiguration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name is { Length: > 0 } name ? name : "Debug";

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
