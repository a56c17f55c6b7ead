using Aspire.Hosting.ApplicationModel;

namespace Todo.Hosting.LocalServices;

/// <summary>
/// A Redis server run from the machine's own binary. It listens on a Unix socket in its own closed directory, not on a
/// TCP port: a port picked free can be taken by another local user before Redis binds it, and the client sends the
/// password to whoever answers there.
/// </summary>
public sealed class RedisProcessResource(string name, string command, string dataDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory: dataDirectory), IResourceWithConnectionString
{
    /// <summary>Holds the password, so it is never on a command line or in the environment.</summary>
    public string ConfigurationFile => Path.Combine(WorkingDirectory, "redis.conf");

    public string Socket => Path.Combine(WorkingDirectory, "redis.sock");

    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>StackExchange.Redis reads an endpoint that starts with <c>!</c> as the path of a Unix socket.</summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"!{Socket},password={PasswordParameter}");
}
