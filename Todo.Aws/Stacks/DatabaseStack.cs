using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.RDS;
using Amazon.CDK.AWS.SecretsManager;
using Constructs;
using Todo.Aws.Manifest;

namespace Todo.Aws.Stacks;

/// <summary>
/// A PostgreSQL server of the manifest as an encrypted Aurora PostgreSQL 16 cluster in isolated subnets: Serverless v2
/// by default, provisioned instances by switch. Credentials are generated in Secrets Manager; each database's
/// connection string is a secret of its own, composed from dynamic references, so no password reaches a template.
/// </summary>
public sealed class DatabaseStack : Stack
{
    private const int PostgresPort = 5432;
    private readonly DatabaseCluster _cluster;
    private readonly Dictionary<string, IAwsTarget> _targets = new(StringComparer.Ordinal);

    public DatabaseStack(Construct scope, string id, NetworkStack network, string serverName,
        IReadOnlyDictionary<string, string> databases, TodoAwsOptions options, IStackProps props) : base(scope, id, props)
    {
        var engine = DatabaseClusterEngine.AuroraPostgres(new AuroraPostgresClusterEngineProps
        {
            Version = AuroraPostgresEngineVersion.Of(options.DatabaseEngineVersion, options.DatabaseEngineVersion.Split('.')[0]),
        });
        var serverless = options.DatabaseMode == DatabaseMode.Serverless;
        _cluster = new DatabaseCluster(this, "Cluster", new DatabaseClusterProps
        {
            Engine = engine,
            Credentials = Credentials.FromGeneratedSecret("postgres", new CredentialsBaseOptions
            {
                SecretName = $"{options.AppName}/{serverName}/credentials",
            }),
            DefaultDatabaseName = databases.Values.FirstOrDefault(),
            Vpc = network.Vpc,
            VpcSubnets = new SubnetSelection { SubnetType = SubnetType.PRIVATE_ISOLATED },
            Port = PostgresPort,
            StorageEncrypted = true,
            Writer = serverless
                ? ClusterInstance.ServerlessV2("writer")
                : ClusterInstance.Provisioned("writer", new ProvisionedClusterInstanceProps
                {
                    InstanceType = new Amazon.CDK.AWS.EC2.InstanceType(options.DatabaseInstanceClass),
                }),
            ServerlessV2MinCapacity = serverless ? options.DatabaseMinCapacity : null,
            ServerlessV2MaxCapacity = serverless ? options.DatabaseMaxCapacity : null,
            Backup = new BackupProps { Retention = Duration.Days(7) },
            DeletionProtection = false,
            RemovalPolicy = RemovalPolicy.SNAPSHOT,
        });

        var credentials = _cluster.Secret!;
        _targets[serverName] = new PostgresTarget(serverName, this, credentials, options.AppName, database: null);
        foreach (var (resourceName, databaseName) in databases)
        {
            _targets[resourceName] = new PostgresTarget(resourceName, this, credentials, options.AppName, databaseName);
        }

        _ = new CfnOutput(this, "DatabaseEndpoint", new CfnOutputProps
        {
            Value = _cluster.ClusterEndpoint.SocketAddress,
            Description = $"The Aurora PostgreSQL endpoint of '{serverName}'.",
        });
    }

    public IReadOnlyDictionary<string, IAwsTarget> Targets => _targets;

    private sealed class PostgresTarget(string name, DatabaseStack stack, ISecret credentials, string appName, string? database) : IAwsTarget
    {
        private ISecret? _connectionString;

        public ResolvedValue Resolve(string path) => path switch
        {
            "connectionString" => ResolvedValue.Of(_connectionString ??= CreateConnectionStringSecret()),
            "bindings.tcp.host" => ResolvedValue.Plain(stack._cluster.ClusterEndpoint.Hostname),
            "bindings.tcp.port" or "bindings.tcp.targetPort" => ResolvedValue.Plain(PostgresPort.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            _ => throw AwsTargets.UnknownPath(name, path),
        };

        public void AllowFrom(ISecurityGroup client, Construct clientScope, string clientName) =>
            AwsTargets.AllowIngress(clientScope, stack._cluster.Connections.SecurityGroups[0], client, PostgresPort,
                $"PostgreSQL from {clientName}");

        private Secret CreateConnectionStringSecret()
        {
            var text = $"Host={stack._cluster.ClusterEndpoint.Hostname};Port={PostgresPort};"
                + (database is null ? "" : $"Database={database};")
                + $"Username={credentials.SecretValueFromJson("username").UnsafeUnwrap()};"
                + $"Password={credentials.SecretValueFromJson("password").UnsafeUnwrap()};"
                + "SSL Mode=Require";
            return new Secret(stack, $"{name}-connection-string", new SecretProps
            {
                SecretName = $"{appName}/{name}/connection-string",
                Description = $"Npgsql connection string of '{name}', composed by CloudFormation from the generated credentials.",
                SecretStringValue = SecretValue.UnsafePlainText(text),
            });
        }
    }
}
