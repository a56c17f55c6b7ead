using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.ElastiCache;
using Amazon.CDK.AWS.SecretsManager;
using Constructs;
using Todo.Aws.Manifest;
using Todo.Aws.Constructs;
using Todo.Aws.Targets;

namespace Todo.Aws.Stacks;

/// <summary>
/// A Redis resource of the manifest as ElastiCache: Serverless (Valkey by default, Redis by switch) or a node-based
/// replication group (the workshop's "instance-based" mode). TLS always; authentication always, unlike the workshop:
/// a generated password for the application's user, and a <c>default</c> user that is switched off.
/// </summary>
public sealed class CacheStack : Stack, IAwsTarget
{
    public static readonly int[] Ports = [6379, 6380];

    private readonly string _name;
    private readonly SecurityGroup _securityGroup;
    private readonly string _host;
    private readonly string _port;
    private readonly Secret _password;

    public CacheStack(Construct scope, string id, NetworkStack network, string name, TodoAwsOptions options, IStackProps props)
        : base(scope, id, props)
    {
        _name = name;
        var engine = options.CacheEngine.ToString().ToLowerInvariant();
        var cacheName = $"{options.AppName}-{name}";

        _securityGroup = new SecurityGroup(this, "SecurityGroup", new SecurityGroupProps
        {
            Vpc = network.Vpc,
            AllowAllOutbound = false,
            Description = Ec2Text.Description($"ElastiCache {cacheName}: reachable only from the services that use it"),
        });
        var isolatedSubnets = network.Vpc.SelectSubnets(network.DataSubnets).SubnetIds;

        var passwordName = $"{options.AppName}/{name}/password";
        _password = GeneratedPassword("Password", passwordName, $"Password of user {ApplicationUser} of ElastiCache {cacheName}.");
        // Valkey takes only users that authenticate, the disabled default user included (ElastiCache User Guide, RBAC).
        var defaultPasswordName = $"{options.AppName}/{name}/default-user-password";
        var defaultPassword = GeneratedPassword("DefaultUserPassword", defaultPasswordName,
            $"Password of the disabled default user of ElastiCache {cacheName}; no client uses it.");
        var (userGroup, application, defaultUser) = CreateUsers(cacheName, engine, _password, defaultPassword);
        CacheUserRotation.Add(this, [(_password, passwordName, application), (defaultPassword, defaultPasswordName, defaultUser)], options);

        if (options.CacheMode == CacheMode.Serverless)
        {
            var cache = new CfnServerlessCache(this, "ServerlessCache", new CfnServerlessCacheProps
            {
                ServerlessCacheName = cacheName,
                Engine = engine,
                MajorEngineVersion = options.CacheEngine == CacheEngine.Valkey ? "8" : "7",
                Description = $"Shared output cache of {options.AppName}",
                SecurityGroupIds = [_securityGroup.SecurityGroupId],
                SubnetIds = isolatedSubnets,
                UserGroupId = userGroup.UserGroupId,
                // The most it may grow to and serve, and so cost: past them ElastiCache evicts and throttles.
                CacheUsageLimits = new CfnServerlessCache.CacheUsageLimitsProperty
                {
                    DataStorage = new CfnServerlessCache.DataStorageProperty { Maximum = options.CacheMaxDataGB, Unit = "GB" },
                    EcpuPerSecond = new CfnServerlessCache.ECPUPerSecondProperty { Maximum = options.CacheMaxEcpuPerSecond },
                },
            });
            cache.AddDependency(userGroup);
            (_host, _port) = (cache.AttrEndpointAddress, cache.AttrEndpointPort);
        }
        else
        {
            var subnets = new CfnSubnetGroup(this, "SubnetGroup", new CfnSubnetGroupProps
            {
                Description = $"Isolated subnets of {cacheName}",
                SubnetIds = isolatedSubnets,
            });
            var replicated = options.CacheNodes > 1;
            var group = new CfnReplicationGroup(this, "ReplicationGroup", new CfnReplicationGroupProps
            {
                ReplicationGroupDescription = $"Shared output cache of {options.AppName}",
                Engine = engine,
                CacheNodeType = options.CacheNodeType,
                NumCacheClusters = options.CacheNodes,
                AutomaticFailoverEnabled = replicated,
                MultiAzEnabled = replicated,
                TransitEncryptionEnabled = true,
                TransitEncryptionMode = "required",
                AtRestEncryptionEnabled = true,
                UserGroupIds = [userGroup.UserGroupId],
                CacheSubnetGroupName = subnets.Ref,
                SecurityGroupIds = [_securityGroup.SecurityGroupId],
                Port = Ports[0],
            });
            group.AddDependency(userGroup);
            AcceptNodeFindings(group, replicated);
            (_host, _port) = (group.AttrPrimaryEndPointAddress, group.AttrPrimaryEndPointPort);
        }

        _ = new CfnOutput(this, "CacheEndpoint", new CfnOutputProps
        {
            Value = $"{_host}:{_port}",
            Description = $"The ElastiCache endpoint of '{name}' (TLS).",
        });
    }

    public const string ApplicationUser = "app";

    /// <summary>
    /// What user <see cref="ApplicationUser"/> may do: the output cache's keys only (its prefix, <c>todo/</c>), and only the
    /// commands its store sends (GET; EVAL and EVALSHA, after SCRIPT LOAD, of scripts that call GET, SET, INCR, INCRBY,
    /// PEXPIRE and TIME), its health check (PING) and the client's handshake (ECHO, INFO, CLUSTER NODES, CLIENT SETNAME and ID).
    /// Everything else, and every other key, is refused.
    /// </summary>
    public const string ApplicationAccess =
        "on ~todo/* -@all +get +set +incr +incrby +pexpire +time +eval +evalsha +script|load +ping +echo +info +cluster|nodes +client|setname +client|id";

    public ResolvedValue Resolve(string path) => path switch
    {
        "connectionString" => ResolvedValue.WithParts($"{_host}:{_port},ssl=true,user={ApplicationUser},abortConnect=false",
            new Dictionary<string, SecretField> { ["password"] = new(_password) }),
        "bindings.tcp.host" => ResolvedValue.Plain(_host),
        "bindings.tcp.port" or "bindings.tcp.targetPort" => ResolvedValue.Plain(_port),
        _ => throw AwsTargets.UnknownPath(_name, path),
    };

    public void AllowFrom(ISecurityGroup client, Construct clientScope, string clientName)
    {
        foreach (var port in Ports)
        {
            AwsTargets.AllowIngress(clientScope, _securityGroup, client, port, $"Redis from {clientName}");
        }
    }

    private static void AcceptNodeFindings(CfnReplicationGroup group, bool replicated)
    {
        var accepted = new List<NagSuppression>
        {
            new("AEC5", "A port other than 6379 hides nothing from a client that is already let in: only the tasks' security group "
                + "reaches these ports, over TLS, as a user with a password."),
            new("AEC6", "Users and a user group (role-based access control) authenticate every client, each user with its own password "
                + "and rights; a Redis AUTH token is the older single-password scheme a group replaces, and the two cannot be combined."),
        };
        if (!replicated)
        {
            accepted.Add(new("AEC4", "One node is what cacheNodes=1 asks for: a cache whose loss costs only misses, for the price of one "
                + "node. The API keeps serving from PostgreSQL while the node is replaced."));
        }
        NagSuppression.On(group, [.. accepted]);
    }

    private Secret GeneratedPassword(string id, string secretName, string description) => new(this, id, new SecretProps
    {
        SecretName = secretName,
        Description = description,
        // ElastiCache passwords: 16 to 128 printable characters, only some punctuation; letters and digits always pass.
        GenerateSecretString = new SecretStringGenerator { ExcludePunctuation = true, PasswordLength = 40 },
    });

    /// <summary>
    /// A <c>default</c> user that is switched off (every user group needs a user of that name, CloudFormation
    /// AWS::ElastiCache::UserGroup) and the application's user, both with passwords of their own.
    /// </summary>
    private (CfnUserGroup Group, CfnUser Application, CfnUser Default) CreateUsers(string cacheName, string engine, Secret password, Secret defaultPassword)
    {
        var defaultUser = new CfnUser(this, "DefaultUser", new CfnUserProps
        {
            Engine = engine,
            UserId = $"{cacheName}-default",
            UserName = "default",
            AccessString = "off -@all",
            AuthenticationMode = PasswordAuthentication(defaultPassword),
        });
        var applicationUser = new CfnUser(this, "ApplicationUser", new CfnUserProps
        {
            Engine = engine,
            UserId = $"{cacheName}-app",
            UserName = ApplicationUser,
            AccessString = ApplicationAccess,
            AuthenticationMode = PasswordAuthentication(password),
        });
        var group = new CfnUserGroup(this, "UserGroup", new CfnUserGroupProps
        {
            Engine = engine,
            UserGroupId = $"{cacheName}-users",
            UserIds = [defaultUser.UserId, applicationUser.UserId],
        });
        group.AddDependency(defaultUser);
        group.AddDependency(applicationUser);
        return (group, applicationUser, defaultUser);
    }

    private static Dictionary<string, object> PasswordAuthentication(Secret password) => new()
    {
        ["Type"] = "password",
        ["Passwords"] = new[] { password.SecretValue.UnsafeUnwrap() },
    };
}
