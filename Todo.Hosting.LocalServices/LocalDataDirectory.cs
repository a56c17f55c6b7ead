using Microsoft.Extensions.Configuration;

namespace Todo.Hosting.LocalServices;

/// <summary>
/// Where process-mode servers keep their files: <c>Todo:DataDirectory</c>, else a per-user default; always an absolute
/// path, checked and closed by <see cref="PrivateDirectory"/> before a server uses it.
/// </summary>
public static class LocalDataDirectory
{
    public const string ConfigurationKey = "Todo:DataDirectory";

    public static string Resolve(IConfiguration configuration) =>
        Resolve(configuration, ServerAccount.CurrentIsRoot, Environment.GetEnvironmentVariable);

    /// <param name="environment">Reads an environment variable (<c>XDG_DATA_HOME</c>, <c>HOME</c>).</param>
    public static string Resolve(IConfiguration configuration, bool isRoot, Func<string, string?> environment)
    {
        if (configuration[ConfigurationKey] is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured);
        }

        // Root's home is closed to the accounts the servers drop to, so root keeps its data under /var/lib.
        if (isRoot)
        {
            return "/var/lib/todo";
        }

        // The XDG base directory rules: a relative value is invalid and ignored.
        if (environment("XDG_DATA_HOME") is { } dataHome && Path.IsPathFullyQualified(dataHome))
        {
            return Path.Combine(dataHome, "todo");
        }
        if (environment("HOME") is { } home && Path.IsPathFullyQualified(home))
        {
            return Path.Combine(home, ".local", "share", "todo");
        }
        throw new InvalidOperationException(
            $"No home directory to keep the local servers' data in (HOME is not an absolute path): set {ConfigurationKey} to one.");
    }
}
