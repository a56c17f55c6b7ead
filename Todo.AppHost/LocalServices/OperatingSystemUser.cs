namespace Todo.AppHost.LocalServices;

/// <summary>PostgreSQL refuses to run as root; this says when and how to drop to the <c>postgres</c> account.</summary>
public static class OperatingSystemUser
{
    public const string PostgresAccount = "postgres";

    public static bool IsRoot => OperatingSystem.IsLinux() && Environment.UserName == "root";

    /// <summary>The command line that runs <paramref name="program"/> as the postgres account when we are root, else as is.</summary>
    public static (string FileName, string[] Arguments) AsPostgresAccount(string program, params string[] arguments) =>
        IsRoot
            ? ("setpriv", [$"--reuid={PostgresAccount}", $"--regid={PostgresAccount}", "--init-groups", "--", program, .. arguments])
            : (program, arguments);

    /// <summary>Gives a directory we created as root to the account the server runs as.</summary>
    public static void HandToPostgresAccount(string directory)
    {
        if (!IsRoot)
        {
            return;
        }

        ExternalCommand.RunOrThrow("chown", ["-R", $"{PostgresAccount}:{PostgresAccount}", directory], TimeSpan.FromSeconds(30));
        if (Path.GetDirectoryName(directory) is { } parent)
        {
            FilePermissions.TraversableByOthers(parent);
        }
    }
}
