using System.Globalization;
using Amazon.CDK;
using Amazon.CDK.AWS.ApplicationAutoScaling;
using Amazon.CDK.AWS.CertificateManager;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.ECS;
using Amazon.CDK.AWS.ECS.Patterns;
using Amazon.CDK.AWS.ElasticLoadBalancingV2;
using Amazon.CDK.AWS.Route53;
using Amazon.CDK.AWS.Route53.Targets;
using Amazon.CDK.AWS.S3;
using Amazon.CDK.AWS.SecretsManager;
using Constructs;
using Todo.Aws.Images;
using Todo.Aws.Manifest;
using EcsSecret = Amazon.CDK.AWS.ECS.Secret;
using HealthCheck = Amazon.CDK.AWS.ElasticLoadBalancingV2.HealthCheck;
using Todo.Aws.Constructs;
using Todo.Aws.Targets;

namespace Todo.Aws.Stacks;

/// <summary>
/// A project of the manifest as an ECS Fargate service behind an Application Load Balancer (internet-facing when a
/// binding is external): health-checked on <c>/alive</c>, rolled back by the deployment circuit breaker, scaled on
/// CPU, memory and requests per target, logging to a log group kept a month. Its environment is the manifest's, with
/// references resolved; every value that holds a secret is injected from Secrets Manager.
/// </summary>
public sealed class ServiceStack : Stack, IAwsTarget
{
    /// <summary>Where ASP.NET Core listens in Microsoft's container images.</summary>
    public const int ContainerPort = 8080;

    private readonly string _name;
    private readonly ApplicationLoadBalancedFargateService _service;
    private readonly string? _domainName;

    public ServiceStack(Construct scope, string id, NetworkStack network, ImagesStack images, ManifestResource project,
        string imageTag, ReferenceResolver resolver, IReadOnlyList<IAlarm> dependencyAlarms, TodoAwsOptions options, IStackProps props)
        : base(scope, id, props)
    {
        _name = project.Name;
        _domainName = options.DomainName;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var secrets = new Dictionary<string, EcsSecret>(StringComparer.Ordinal);
        var owners = new Dictionary<string, SchemaOwner>(StringComparer.Ordinal);
        var read = new List<ISecret>();
        foreach (var (variable, value) in project.Environment)
        {
            var resolved = resolver.Resolve(value, resource => resource == _name ? this : null);
            EcsSecrets.AddParts(secrets, variable, resolved.Parts);
            read.AddRange(resolved.Parts.Values.Select(part => part.Secret));
            if (resolved.Owner is { } owner)
            {
                owners[variable] = owner;
            }
            if (!resolved.IsSecret)
            {
                environment[variable] = resolved.Text;
                continue;
            }
            var secret = resolved.WholeSecret ?? new Amazon.CDK.AWS.SecretsManager.Secret(this, $"{variable}-secret", new SecretProps
            {
                SecretName = $"{options.AppName}/{_name}/{variable}",
                Description = $"{variable} of '{_name}', composed by CloudFormation from other secrets.",
                SecretStringValue = SecretValue.UnsafePlainText(resolved.Text),
            });
            secrets[variable] = EcsSecret.FromSecretsManager(secret);
            read.Add(secret);
        }

        var logs = LogRetention.Group(this, "Logs", options, $"/ecs/{options.AppName}/{_name}");
        var secure = options.CertificateArn is not null;
        var isPublic = project.Bindings.Values.Any(binding => binding.External);
        if (isPublic && !secure && !options.AllowPlainHttp)
        {
            throw new DeploymentRefusedException($"'{_name}' would be served to the internet over plain HTTP, bearer tokens and all: set context "
                + "certificateArn to an ACM certificate, or allowPlainHttp=true to accept that anyone on the path can read and replay them.");
        }
        _service = new ApplicationLoadBalancedFargateService(this, "Service", new ApplicationLoadBalancedFargateServiceProps
        {
            Cluster = new Cluster(this, "Cluster", new ClusterProps { Vpc = network.Vpc, ContainerInsights = true }),
            ServiceName = $"{options.AppName}-{_name}",
            Cpu = options.Cpu,
            MemoryLimitMiB = options.MemoryMiB,
            DesiredCount = options.DesiredCount,
            RuntimePlatform = new RuntimePlatform
            {
                CpuArchitecture = ImageArchitecture.Fargate,
                OperatingSystemFamily = OperatingSystemFamily.LINUX,
            },
            PublicLoadBalancer = isPublic,
            TaskSubnets = network.TaskSubnets,
            AssignPublicIp = network.TasksNeedPublicAddresses,
            CircuitBreaker = new DeploymentCircuitBreaker { Enable = true, Rollback = true },
            MinHealthyPercent = 100,
            MaxHealthyPercent = 200,
            HealthCheckGracePeriod = Duration.Seconds(30),
            Protocol = secure ? ApplicationProtocol.HTTPS : ApplicationProtocol.HTTP,
            Certificate = secure ? Certificate.FromCertificateArn(this, "Certificate", options.CertificateArn!) : null,
            RedirectHTTP = secure,
            SslPolicy = secure ? SslPolicy.RECOMMENDED_TLS : null,
            TaskImageOptions = new ApplicationLoadBalancedTaskImageOptions
            {
                Image = ContainerImage.FromEcrRepository(images.RepositoryOf(_name), imageTag),
                ContainerName = _name,
                ContainerPort = ContainerPort,
                Environment = environment,
                Secrets = secrets,
                LogDriver = LogDriver.AwsLogs(new AwsLogDriverProps { LogGroup = logs, StreamPrefix = _name }),
            },
        });

        HardenLoadBalancer(options);
        if (options.HostedZoneId is not null)
        {
            // An alias of the load balancer; the name ends with a dot, as a name of the zone need not be known.
            _ = new ARecord(this, "Alias", new ARecordProps
            {
                Zone = HostedZone.FromHostedZoneId(this, "Zone", options.HostedZoneId),
                RecordName = $"{options.DomainName}.",
                Target = RecordTarget.FromAlias(new LoadBalancerTarget(_service.LoadBalancer)),
            });
        }
        var task = _service.TaskDefinition;
        var app = task.DefaultContainer!;
        ReadOnlyRootFilesystem.Apply(task, app);
        ReadOnlyRootFilesystem.Apply(task, TelemetryCollector.Add(this, task, app, _name, logs, options));
        if (owners.Count > 0)
        {
            ReadOnlyRootFilesystem.Apply(task, MigrationStep.Add(task, app, _name, owners, environment,
                ContainerImage.FromEcrRepository(images.RepositoryOf(_name), imageTag), logs));
        }
        RotationRestart.Add(this, _service.Service, read.Distinct().ToList(), options);
        ServiceMonitoring.Add(this, _service, _name, dependencyAlarms, options);
        AcceptFindingsRightForThisService(isPublic);

        _service.TargetGroup.ConfigureHealthCheck(new HealthCheck
        {
            Path = "/alive",
            HealthyHttpCodes = "200",
            Interval = Duration.Seconds(10),
            Timeout = Duration.Seconds(5),
            HealthyThresholdCount = 2,
            UnhealthyThresholdCount = 3,
        });
        _service.TargetGroup.SetAttribute("deregistration_delay.timeout_seconds", "15");

        var scaling = _service.Service.AutoScaleTaskCount(new EnableScalingProps
        {
            MinCapacity = options.MinTasks,
            MaxCapacity = options.MaxTasks,
        });
        scaling.ScaleOnCpuUtilization("Cpu", new CpuUtilizationScalingProps { TargetUtilizationPercent = options.CpuTargetPercent });
        scaling.ScaleOnMemoryUtilization("Memory", new MemoryUtilizationScalingProps { TargetUtilizationPercent = options.MemoryTargetPercent });
        scaling.ScaleOnRequestCount("Requests", new RequestCountScalingProps
        {
            RequestsPerTarget = options.RequestsPerTarget,
            TargetGroup = _service.TargetGroup,
        });

        // In place of the pattern's own outputs, whose ServiceURL names the load balancer, which the certificate does not cover.
        _service.Node.TryRemoveChild("ServiceURL");
        _service.Node.TryRemoveChild("LoadBalancerDNS");
        _ = new CfnOutput(this, "ServiceUrl", new CfnOutputProps
        {
            Value = Url,
            Description = $"The URL of '{_name}'.",
        });
        _ = new CfnOutput(this, "LoadBalancerDnsName", new CfnOutputProps
        {
            Value = _service.LoadBalancer.LoadBalancerDnsName,
            Description = "Where domainName points (an alias or CNAME record) when no hostedZoneId is given.",
        });
    }

    /// <summary>
    /// Requests with header fields HTTP does not allow never reach the tasks; access logs go to an encrypted bucket that
    /// forgets them after <c>accessLogDays</c>; deletion is refused while <c>deletionProtection</c> is on; by switch, a
    /// web ACL filters requests before the listener.
    /// </summary>
    private void HardenLoadBalancer(TodoAwsOptions options)
    {
        var loadBalancer = _service.LoadBalancer;
        loadBalancer.SetAttribute("routing.http.drop_invalid_header_fields.enabled", "true");
        loadBalancer.SetAttribute("deletion_protection.enabled", options.DeletionProtection ? "true" : "false");
        var accessLogs = new Bucket(this, "AccessLogs", new BucketProps
        {
            // Load balancers write access logs only to buckets encrypted with S3-managed keys (ELB User Guide, "Access logs").
            Encryption = BucketEncryption.S3_MANAGED,
            BlockPublicAccess = BlockPublicAccess.BLOCK_ALL,
            ObjectOwnership = ObjectOwnership.BUCKET_OWNER_ENFORCED,
            EnforceSSL = true,
            LifecycleRules = [new Amazon.CDK.AWS.S3.LifecycleRule { Expiration = Duration.Days(options.AccessLogDays) }],
            RemovalPolicy = RemovalPolicy.RETAIN,
        });
        loadBalancer.LogAccessLogs(accessLogs, _name);
        NagSuppression.On(accessLogs, new NagSuppression("S1",
            "This bucket is itself the log of the load balancer's requests; logging the access to it would need another bucket for "
            + "each log bucket, and only the load balancer's log delivery writes to it."));
        if (options.WebAcl)
        {
            _ = WebAcl.Protect(this, loadBalancer, options);
        }
    }

    private void AcceptFindingsRightForThisService(bool isPublic)
    {
        if (isPublic)
        {
            NagSuppression.On(_service.LoadBalancer.Connections.SecurityGroups[0], new NagSuppression("EC23",
                "An internet-facing load balancer must accept its listener ports from every address; it forwards only to the tasks, "
                + "whose own security group admits nothing but this load balancer."));
        }
        NagSuppression.On(_service.TaskDefinition, new NagSuppression("ECS2",
            "The environment holds only configuration that is not secret (URLs, names, pool sizes, the token issuer); every "
            + "password and key reaches the task from Secrets Manager as an ECS secret, and the AWS tests scan the templates for secrets."));
        NagSuppression.OnWildcardResources(_service.TaskDefinition.ExecutionRole!,
            "ecr:GetAuthorizationToken has no resource-level permissions (Service Authorization Reference, Amazon ECR): it must name "
            + "every resource; pulling is limited to this service's repository in the statements beside it.");
    }

    /// <summary>The security group of the running tasks, for the resources they must reach.</summary>
    public ISecurityGroup Tasks => _service.Service.Connections.SecurityGroups[0];

    /// <summary>
    /// Makes the service wait for the ingress rules that let its tasks reach what they use: CloudFormation orders
    /// resources only by their references, and a task started before its rule exists cannot migrate the database.
    /// </summary>
    public void StartAfterIngressRules()
    {
        var service = (CfnService)_service.Service.Node.DefaultChild!;
        foreach (var rule in Node.Children.OfType<CfnSecurityGroupIngress>())
        {
            service.AddDependency(rule);
        }
    }

    private bool Secure => _service.Certificate is not null;

    private int ListenerPort => Secure ? 443 : 80;

    /// <summary>The name clients use: the domain name when there is one (a certificate covers no other), else the load balancer's.</summary>
    private string Host => _domainName ?? _service.LoadBalancer.LoadBalancerDnsName;

    private string Url => $"{(Secure ? "https" : "http")}://{Host}";

    public ResolvedValue Resolve(string path)
    {
        var segments = path.Split('.');
        return segments switch
        {
            ["bindings", _, "targetPort"] => ResolvedValue.Plain(ContainerPort.ToString(CultureInfo.InvariantCulture)),
            ["bindings", _, "host"] => ResolvedValue.Plain(Host),
            ["bindings", _, "port"] => ResolvedValue.Plain(ListenerPort.ToString(CultureInfo.InvariantCulture)),
            ["bindings", _, "url"] => ResolvedValue.Plain(Url),
            _ => throw AwsTargets.UnknownPath(_name, path),
        };
    }

    public void AllowFrom(ISecurityGroup client, Construct clientScope, string clientName) =>
        AwsTargets.AllowIngress(clientScope, _service.LoadBalancer.Connections.SecurityGroups[0], client, ListenerPort,
            $"{_name} from {clientName}");
}
