using System.Globalization;
using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.RDS;
using Amazon.CDK.AWS.SecretsManager;
using Constructs;
using Todo.Aws.Manifest;

namespace Todo.Aws.Stacks;

/// <summary>
/// A PostgreSQL server of the manifest as an encrypted Aurora PostgreSQL cluster in isolated subnets: Serverless v2
/// by default, provisioned instances by switch. Credentials are generated in Secrets Manager, attached to the cluster
/// (so the secret also holds its host and port), and reach tasks field by field: nothing composed from them can go
/// stale when they rotate, and no password reaches a template.
/// </summary>
public sealed class DatabaseStack : Stack
{
    private const int PostgresPort = 5432;
    private readonly DatabaseCluster _cluster;
    private readonly Dictionary<string, IAwsTarget> _targets = new(StringComparer.Ordinal);

    /// <param name="services">How many services connect, to share the server's connection limit between their tasks.</param>
    public DatabaseStack(Construct scope, string id, NetworkStack network, string serverName,
        IReadOnlyDictionary<string, string> databases, int services, TodoAwsOptions options, IStackProps props) : base(scope, id, props)
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
            VpcSubnets = network.DataSubnets,
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
            DeletionProtection = options.DeletionProtection,
            IamAuthentication = true,
            RemovalPolicy = RemovalPolicy.SNAPSHOT,
        });

        if (!options.DeletionProtection)
        {
            NagSuppression.On(_cluster, new NagSuppression("RDS10", "deletionProtection=false was set for this deployment: a "
                + "throwaway or test system that `cdk destroy` must be able to remove. Deletion still leaves a final snapshot."));
        }

        var credentials = _cluster.Secret!;
        var poolSize = DatabaseConnections.PoolSizePerTask(options, services);
        _targets[serverName] = new PostgresTarget(serverName, this, credentials, poolSize, database: null);
        foreach (var (resourceName, databaseName) in databases)
        {
            _targets[resourceName] = new PostgresTarget(resourceName, this, credentials, poolSize, databaseName);
        }

        _ = new CfnOutput(this, "DatabaseEndpoint", new CfnOutputProps
        {
            Value = _cluster.ClusterEndpoint.SocketAddress,
            Description = $"The Aurora PostgreSQL endpoint of '{serverName}'.",
        });
    }

    public IReadOnlyDictionary<string, IAwsTarget> Targets => _targets;

    private sealed class PostgresTarget(string name, DatabaseStack stack, ISecret credentials, int poolSize, string? database) : IAwsTarget
    {
        public ResolvedValue Resolve(string path) => path switch
        {
            "connectionString" => ResolvedValue.WithParts(
                (database is null ? "" : $"Database={database};") + $"SSL Mode=Require;Maximum Pool Size={poolSize.ToString(CultureInfo.InvariantCulture)}",
                new Dictionary<string, SecretField>
                {
                    ["Host"] = new(credentials, "host"),
                    ["Port"] = new(credentials, "port"),
                    ["Username"] = new(credentials, "username"),
                    ["Password"] = new(credentials, "password"),
                }),
            "bindings.tcp.host" => ResolvedValue.Plain(stack._cluster.ClusterEndpoint.Hostname),
            "bindings.tcp.port" or "bindings.tcp.targetPort" => ResolvedValue.Plain(PostgresPort.ToString(CultureInfo.InvariantCulture)),
            _ => throw AwsTargets.UnknownPath(name, path),
        };

        public void AllowFrom(ISecurityGroup client, Construct clientScope, string clientName) =>
            AwsTargets.AllowIngress(clientScope, stack._cluster.Connections.SecurityGroups[0], client, PostgresPort,
                $"PostgreSQL from {clientName}");
    }
}
