using System.Globalization;
using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.RDS;
using Amazon.CDK.AWS.SecretsManager;
using Constructs;
using Todo.Aws.Manifest;
using Todo.Aws.Constructs;
using Todo.Aws.Targets;

namespace Todo.Aws.Stacks;

/// <summary>
/// A PostgreSQL server of the manifest as an encrypted Aurora PostgreSQL cluster in isolated subnets: Serverless v2
/// by default, provisioned instances by switch. Two sets of credentials are generated in Secrets Manager and attached
/// to the cluster (so each secret also holds its host and port): the master user's, which own the schema and reach
/// only a service's migration step, and an application role's, which services connect with (see
/// <see cref="SchemaOwner"/>). Both rotate: the master's in place, the role's by alternating two users, so the
/// credentials a running task holds stay valid until the rotation after. They reach tasks field by field: nothing
/// composed from them can go stale when they rotate, and no password reaches a template.
/// </summary>
public sealed class DatabaseStack : Stack
{
    private const int PostgresPort = 5432;

    /// <summary>
    /// The transform that builds Secrets Manager's hosted rotation functions on a runtime Lambda still creates; the
    /// 2020-07-23 one that this CDK version declares builds them on python3.9 (CloudFormation Template Reference,
    /// "AWS::SecretsManager transform").
    /// </summary>
    public const string HostedRotationTransform = "AWS::SecretsManager-2024-09-16";
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

        var master = _cluster.Secret!;
        var role = $"{options.AppName.Replace('-', '_')}_app";
        var application = new DatabaseSecret(this, "ApplicationCredentials", new DatabaseSecretProps
        {
            Username = role,
            SecretName = $"{options.AppName}/{serverName}/application-credentials",
            MasterSecret = master,
        }).Attach(_cluster);
        RotateCredentials(network, master, application, options);
        TemplateOptions.Transforms = [.. (TemplateOptions.Transforms ?? []).Where(transform => !transform.StartsWith("AWS::SecretsManager-", StringComparison.Ordinal)),
            HostedRotationTransform];

        var capacity = CapacityAlarm(serverless);
        var poolSize = DatabaseConnections.PoolSizePerTask(options, services);
        var owner = new SchemaOwner(Fields(master), role, new SecretField(application, "password"));
        _targets[serverName] = new PostgresTarget(serverName, this, Fields(application), owner, capacity, poolSize, database: null);
        foreach (var (resourceName, databaseName) in databases)
        {
            _targets[resourceName] = new PostgresTarget(resourceName, this, Fields(application), owner, capacity, poolSize, databaseName);
        }

        _ = new CfnOutput(this, "DatabaseEndpoint", new CfnOutputProps
        {
            Value = _cluster.ClusterEndpoint.SocketAddress,
            Description = $"The Aurora PostgreSQL endpoint of '{serverName}'.",
        });
    }

    public IReadOnlyDictionary<string, IAwsTarget> Targets => _targets;

    /// <summary>
    /// Amazon RDS's certificate authorities in a project's image (its working directory, /app): eng/publish-image.sh
    /// downloads them and the project file puts them there, so the server's certificate and name are verified.
    /// </summary>
    public const string CertificateAuthorities = "/app/rds-ca-bundle.pem";

    /// <summary>
    /// Secrets Manager's own rotation functions, in the private subnets: they reach the cluster here and Secrets Manager
    /// through NAT or its endpoint. Each secret rotates every <c>secretRotationDays</c>.
    /// </summary>
    private void RotateCredentials(NetworkStack network, ISecret master, ISecret application, TodoAwsOptions options)
    {
        var functions = new SecurityGroup(this, "RotationSecurityGroup", new SecurityGroupProps
        {
            Vpc = network.Vpc,
            AllowAllOutbound = true,
            Description = Ec2Text.Description("Secrets Manager rotation functions of the database credentials"),
        });
        _cluster.Connections.AllowFrom(functions, Port.Tcp(PostgresPort), Ec2Text.Description("PostgreSQL from the rotation functions"));
        var placement = new SubnetSelection { SubnetGroupName = NetworkStack.PrivateSubnets };
        master.AddRotationSchedule("Rotation", new RotationScheduleOptions
        {
            HostedRotation = HostedRotation.PostgreSqlSingleUser(new SingleUserHostedRotationOptions
            {
                Vpc = network.Vpc, VpcSubnets = placement, SecurityGroups = [functions],
            }),
            AutomaticallyAfter = Duration.Days(options.SecretRotationDays),
            RotateImmediatelyOnUpdate = false,
        });
        // Not at once: the first rotation clones the role, which the service's migration step creates when it first runs.
        application.AddRotationSchedule("Rotation", new RotationScheduleOptions
        {
            HostedRotation = HostedRotation.PostgreSqlMultiUser(new MultiUserHostedRotationOptions
            {
                MasterSecret = master, Vpc = network.Vpc, VpcSubnets = placement, SecurityGroups = [functions],
            }),
            AutomaticallyAfter = Duration.Days(options.SecretRotationDays),
            RotateImmediatelyOnUpdate = false,
        });
    }

    /// <summary>Serverless v2 near its maximum capacity (ACUs used, % of the maximum), or provisioned instances near full CPU.</summary>
    private Alarm CapacityAlarm(bool serverless)
    {
        var metric = serverless
            ? _cluster.MetricACUUtilization(new MetricOptions { Period = Duration.Minutes(5) })
            : _cluster.MetricCPUUtilization(new MetricOptions { Period = Duration.Minutes(5) });
        return metric.CreateAlarm(this, "CapacityAlarm", new CreateAlarmOptions
        {
            AlarmDescription = serverless
                ? "Aurora used over 90 % of its maximum capacity for 15 minutes: raise databaseMaxCapacity, or find the load."
                : "Aurora's writer above 80 % CPU for 15 minutes: a larger databaseInstanceClass, or find the load.",
            Threshold = serverless ? 90 : 80,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_THRESHOLD,
            EvaluationPeriods = 3,
            DatapointsToAlarm = 3,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });
    }

    private static Dictionary<string, SecretField> Fields(ISecret credentials) => new()
    {
        ["Host"] = new(credentials, "host"),
        ["Port"] = new(credentials, "port"),
        ["Username"] = new(credentials, "username"),
        ["Password"] = new(credentials, "password"),
    };

    private sealed class PostgresTarget(string name, DatabaseStack stack, IReadOnlyDictionary<string, SecretField> credentials, SchemaOwner owner,
        IAlarm capacity, int poolSize, string? database) : IAwsTarget
    {
        public IEnumerable<IAlarm> Alarms => [capacity];

        public ResolvedValue Resolve(string path) => path switch
        {
            "connectionString" => ResolvedValue.WithParts(
                (database is null ? "" : $"Database={database};")
                    + $"SSL Mode=VerifyFull;Root Certificate={CertificateAuthorities};Maximum Pool Size={poolSize.ToString(CultureInfo.InvariantCulture)}",
                credentials) with { Owner = owner },
            "bindings.tcp.host" => ResolvedValue.Plain(stack._cluster.ClusterEndpoint.Hostname),
            "bindings.tcp.port" or "bindings.tcp.targetPort" => ResolvedValue.Plain(PostgresPort.ToString(CultureInfo.InvariantCulture)),
            _ => throw AwsTargets.UnknownPath(name, path),
        };

        public void AllowFrom(ISecurityGroup client, Construct clientScope, string clientName) =>
            AwsTargets.AllowIngress(clientScope, stack._cluster.Connections.SecurityGroups[0], client, PostgresPort,
                $"PostgreSQL from {clientName}");
    }
}
