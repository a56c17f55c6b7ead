using System.Globalization;

namespace Todo.Hosting.LocalServices;

/// <summary>
/// The directories local servers keep their data, configuration, passwords and sockets in, checked as PostgreSQL checks
/// its data directory before trusting it: a real directory (not a symbolic link), owned by the account that uses it,
/// and closed to everyone else. One that another account owns, or that others could write to, is refused: it may
/// already hold a configuration of someone else's choosing (a <c>redis.conf</c> that loads a module, say).
/// </summary>
public static class PrivateDirectory
{
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Everything the owner needs, nothing for anyone else.</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// The directory that holds each server's own: the AppHost's account's, open to nobody else; when that is root, others
    /// may pass through (not list it) to reach the directory of the account their server runs as.
    /// </summary>
    public static void EnsureBase(string path) =>
        Ensure(path, ServerAccount.Current,
            ServerAccount.CurrentIsRoot ? OwnerOnly | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute : OwnerOnly);

    /// <summary>A server's own directory, for the account it runs as and nobody else.</summary>
    public static void EnsureFor(string path, ServerAccount account) => Ensure(path, account, OwnerOnly);

    private static void Ensure(string path, ServerAccount owner, UnixFileMode mode)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("PostgreSQL and Redis run as local processes on Linux only; elsewhere set Todo:LocalServices=containers.");
        }
        if (!Path.IsPathFullyQualified(path))
        {
            throw new InvalidOperationException($"'{path}' is not an absolute path; local servers keep their data only in absolute ones.");
        }

        if (Inspect(path) is not { } found)
        {
            Directory.CreateDirectory(path, mode);
            owner.TakeOwnership(path);
            return;
        }

        if (found.Type != "directory")
        {
            throw new InvalidOperationException($"'{path}' is a {found.Type}, not a directory: refusing to keep a local server's data there.");
        }
        if (found.OwnerId != owner.UserId && found.OwnerId != ServerAccount.Current.UserId)
        {
            throw new InvalidOperationException(
                $"'{path}' belongs to user id {found.OwnerId}, not to {owner.Name} ({owner.UserId}): refusing a directory another account made. " +
                "Remove it, or set Todo:DataDirectory to a directory of your own.");
        }
        if ((found.Mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new InvalidOperationException(
                $"'{path}' can be written by other accounts (mode {Convert.ToString((int)found.Mode, 8)}): refusing it, as its contents cannot be trusted. " +
                "Remove it, or set Todo:DataDirectory to a directory of your own.");
        }

        // Ours, and nobody else could have written to it: hand it to its account (a directory root made before), and close it.
        if (found.OwnerId != owner.UserId)
        {
            owner.TakeOwnership(path);
        }
        if (found.Mode != mode)
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    private static (int OwnerId, UnixFileMode Mode, string Type)? Inspect(string path)
    {
        // stat does not follow a symbolic link: it reports the link itself.
        var (exitCode, output) = ExternalCommand.Run(SystemPrograms.Require("stat"), ["--format=%u %a %F", "--", path], s_commandTimeout);
        if (exitCode != 0)
        {
            return Path.Exists(path) || new FileInfo(path).LinkTarget is not null
                ? throw new InvalidOperationException($"Cannot inspect '{path}': {output.Trim()}")
                : null;
        }

        var fields = output.Trim().Split(' ', 3);
        return (int.Parse(fields[0], CultureInfo.InvariantCulture), (UnixFileMode)Convert.ToInt32(fields[1], 8), fields[2]);
    }
}
