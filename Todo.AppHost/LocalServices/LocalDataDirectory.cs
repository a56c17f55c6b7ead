using Microsoft.Extensions.Configuration;

namespace Todo.AppHost.LocalServices;

/// <summary>Where process-mode servers keep their files: <c>Todo:DataDirectory</c>, else a per-user default.</summary>
public static class LocalDataDirectory
{
    public const string ConfigurationKey = "Todo:DataDirectory";

    public static string Resolve(IConfiguration configuration) =>
        configuration[ConfigurationKey] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : DefaultForCurrentUser();

    // Root's home is closed to the postgres account the server drops to, so root keeps its data under /var/lib.
    private static string DefaultForCurrentUser() =>
        OperatingSystemUser.IsRoot
            ? "/var/lib/todo"
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "todo");
}
