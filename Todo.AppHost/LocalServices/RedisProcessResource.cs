using Aspire.Hosting.ApplicationModel;

namespace Todo.AppHost.LocalServices;

/// <summary>A Redis server run from the machine's own binary, with the connection string the container has.</summary>
public sealed class RedisProcessResource(string name, string command, string dataDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory: dataDirectory), IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "tcp";

    /// <summary>Holds the password, so it is never on a command line or in the environment.</summary>
    public string ConfigurationFile => Path.Combine(WorkingDirectory, "redis.conf");

    public ParameterResource PasswordParameter { get; } = password;

    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)},password={PasswordParameter}");
}
