using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.ElastiCache;
using Amazon.CDK.AWS.SecretsManager;
using Constructs;
using Todo.Aws.Manifest;

namespace Todo.Aws.Stacks;

/// <summary>
/// A Redis resource of the manifest as ElastiCache: Serverless (Valkey by default, Redis by switch) or a node-based
/// replication group (the workshop's "instance-based" mode). TLS always; authentication always, unlike the workshop:
/// a generated password for an application user whose keys are limited to the app's prefix, and a disabled default user.
/// </summary>
public sealed class CacheStack : Stack, IAwsTarget
{
    public static readonly int[] Ports = [6379, 6380];

    private readonly string _name;
    private readonly SecurityGroup _securityGroup;
    private readonly string _host;
    private readonly string _port;
    private readonly Secret _connectionString;

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
            Description = $"ElastiCache '{cacheName}': reachable only from the services that use it",
        });
        var isolatedSubnets = network.Vpc.SelectSubnets(new SubnetSelection { SubnetType = SubnetType.PRIVATE_ISOLATED }).SubnetIds;

        var password = new Secret(this, "Password", new SecretProps
        {
            SecretName = $"{options.AppName}/{name}/password",
            Description = $"Password of the application user of ElastiCache '{cacheName}'.",
            GenerateSecretString = new SecretStringGenerator { ExcludePunctuation = true, PasswordLength = 40 },
        });
        var userGroup = CreateUsers(cacheName, engine, password);

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
            (_host, _port) = (group.AttrPrimaryEndPointAddress, group.AttrPrimaryEndPointPort);
        }

        _connectionString = new Secret(this, "ConnectionString", new SecretProps
        {
            SecretName = $"{options.AppName}/{name}/connection-string",
            Description = $"StackExchange.Redis connection string of '{name}', composed by CloudFormation from the generated password.",
            SecretStringValue = SecretValue.UnsafePlainText(
                $"{_host}:{_port},ssl=true,user={ApplicationUser},password={password.SecretValue.UnsafeUnwrap()},abortConnect=false"),
        });

        _ = new CfnOutput(this, "CacheEndpoint", new CfnOutputProps
        {
            Value = $"{_host}:{_port}",
            Description = $"The ElastiCache endpoint of '{name}' (TLS).",
        });
    }

    public const string ApplicationUser = "app";

    public ResolvedValue Resolve(string path) => path switch
    {
        "connectionString" => ResolvedValue.Of(_connectionString),
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

    /// <summary>A disabled <c>default</c> user (every user group needs one) and the application's user.</summary>
    private CfnUserGroup CreateUsers(string cacheName, string engine, Secret password)
    {
        var defaultUser = new CfnUser(this, "DefaultUser", new CfnUserProps
        {
            Engine = engine,
            UserId = $"{cacheName}-default",
            UserName = "default",
            AccessString = "off -@all",
            AuthenticationMode = new Dictionary<string, object> { ["Type"] = "no-password-required" },
        });
        var applicationUser = new CfnUser(this, "ApplicationUser", new CfnUserProps
        {
            Engine = engine,
            UserId = $"{cacheName}-app",
            UserName = ApplicationUser,
            AccessString = "on ~* &* +@all",
            AuthenticationMode = new Dictionary<string, object>
            {
                ["Type"] = "password",
                ["Passwords"] = new[] { password.SecretValue.UnsafeUnwrap() },
            },
        });
        var group = new CfnUserGroup(this, "UserGroup", new CfnUserGroupProps
        {
            Engine = engine,
            UserGroupId = $"{cacheName}-users",
            UserIds = [defaultUser.UserId, applicationUser.UserId],
        });
        group.AddDependency(defaultUser);
        group.AddDependency(applicationUser);
        return group;
    }
}
