using Aspire.Hosting.ApplicationModel;

namespace Todo.Hosting.LocalServices;

/// <summary>
/// A PostgreSQL server run from the machine's own binaries. It listens on a Unix socket in its own closed directory, not
/// on a TCP port (which another local user could take first), and clients accept no authentication but SCRAM, which
/// never reveals the password to the server it talks to.
/// </summary>
public sealed class PostgresProcessResource(string name, string command, string dataDirectory, ServerAccount account, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory: dataDirectory), IResourceWithConnectionString
{
    public const string UserName = "postgres";

    /// <summary>Only names the socket (<c>.s.PGSQL.5432</c>) in <see cref="ExecutableResource.WorkingDirectory"/>.</summary>
    public const int SocketPort = 5432;

    /// <summary>The cluster directory (PGDATA) below <see cref="ExecutableResource.WorkingDirectory"/>.</summary>
    public string ClusterDirectory => Path.Combine(WorkingDirectory, "cluster");

    public string Socket => Path.Combine(WorkingDirectory, $".s.PGSQL.{SocketPort}");

    /// <summary>The account the server runs as.</summary>
    public ServerAccount Account { get; } = account;

    public ParameterResource PasswordParameter { get; } = password;

    public Dictionary<string, string> Databases { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={WorkingDirectory};Port={SocketPort.ToString(System.Globalization.CultureInfo.InvariantCulture)};Username={UserName};Password={PasswordParameter};Require Auth=ScramSHA256");
}

/// <summary>A database on a <see cref="PostgresProcessResource"/>, created when the server is ready.</summary>
public sealed class PostgresProcessDatabaseResource(string name, string databaseName, PostgresProcessResource parent)
    : Resource(name), IResourceWithParent<PostgresProcessResource>, IResourceWithConnectionString
{
    public string DatabaseName { get; } = databaseName;

    public PostgresProcessResource Parent { get; } = parent;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}
