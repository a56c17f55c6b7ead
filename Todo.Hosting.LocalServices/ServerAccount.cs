using System.Globalization;

namespace Todo.Hosting.LocalServices;

/// <summary>
/// The operating-system account a local server runs as: the developer's own, or, when the AppHost runs as root, the
/// server's system account (<c>postgres</c>, <c>redis</c>), as Debian runs them: PostgreSQL refuses to run as root,
/// and a Redis that runs as root hands root to anyone who gets its password and finds a way to write a file.
/// </summary>
public sealed record ServerAccount(string Name, int UserId, int GroupId)
{
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromSeconds(30);
    private static readonly Lazy<ServerAccount> s_current = new(() => Lookup(Environment.UserName));

    /// <summary>The account the AppHost runs as.</summary>
    public static ServerAccount Current => s_current.Value;

    public static bool CurrentIsRoot => Current.UserId == 0;

    public bool IsCurrent => UserId == Current.UserId;

    /// <summary><paramref name="systemAccount"/> when the AppHost is root, else the AppHost's own account.</summary>
    public static ServerAccount For(string systemAccount) => CurrentIsRoot ? Lookup(systemAccount) : Current;

    /// <summary>The command line that runs <paramref name="program"/> as this account.</summary>
    public (string FileName, string[] Arguments) Command(string program, params string[] arguments) =>
        IsCurrent
            ? (program, arguments)
            : (SystemPrograms.Require("setpriv"), [$"--reuid={Name}", $"--regid={GroupId.ToString(CultureInfo.InvariantCulture)}", "--init-groups", "--", program, .. arguments]);

    /// <summary>Gives <paramref name="path"/> and everything below it to this account.</summary>
    public void TakeOwnership(string path)
    {
        if (!IsCurrent)
        {
            ExternalCommand.RunOrThrow(SystemPrograms.Require("chown"),
                ["-R", "--no-dereference", $"{UserId.ToString(CultureInfo.InvariantCulture)}:{GroupId.ToString(CultureInfo.InvariantCulture)}", path], s_commandTimeout);
        }
    }

    private static ServerAccount Lookup(string name)
    {
        var (exitCode, output) = ExternalCommand.Run(SystemPrograms.Require("getent"), ["passwd", name], s_commandTimeout);
        var fields = output.Trim().Split(':');
        if (exitCode != 0 || fields.Length < 4
            || !int.TryParse(fields[2], CultureInfo.InvariantCulture, out var userId)
            || !int.TryParse(fields[3], CultureInfo.InvariantCulture, out var groupId))
        {
            throw new InvalidOperationException(
                $"There is no '{name}' account for a local server to run as. Installing the server's Debian package creates it; " +
                $"or create it with: sudo useradd --system --no-create-home --shell /usr/sbin/nologin {name}");
        }
        return new ServerAccount(name, userId, groupId);
    }
}
