using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Constructs;

namespace Todo.Aws;

/// <summary>
/// Every deployment switch, read from CDK context (<c>cdk.json</c> or <c>-c key=value</c>). Defaults fill only what the
/// user did not set; docs/aws.md lists each key.
/// </summary>
public sealed partial record TodoAwsOptions
{
    [ContextKey("appName")]
    public string AppName { get; init; } = "todo";
    [ContextKey("manifest")]
    public string ManifestPath { get; init; } = "aspire-manifest.json";
    /// <summary>The one region everything deploys to, images included: context only, never the AWS CLI's profile.</summary>
    [ContextKey("region", Required = "the region every stack and image goes to")]
    public required string Region { get; init; }
    [ContextKey("account")]
    public string? Account { get; init; }
    [ContextKey("availabilityZones", Required = "zone names differ between regions and accounts, so none is assumed")]
    public required IReadOnlyList<string> AvailabilityZones { get; init; }
    [ContextKey("natGateways", Min = 0, Max = 2)]
    public int NatGateways { get; init; } = 1;

    [ContextKey("databaseMode")]
    public DatabaseMode DatabaseMode { get; init; } = DatabaseMode.Serverless;
    /// <summary>A major version lets Aurora pick its default minor version, which stays creatable; a full one pins it.</summary>
    [ContextKey("databaseEngineVersion")]
    public string DatabaseEngineVersion { get; init; } = "16";
    [ContextKey("databaseInstanceClass")]
    public string DatabaseInstanceClass { get; init; } = "t4g.medium";
    [ContextKey("databaseMinCapacity", Min = 0.5, Max = 256)]
    public double DatabaseMinCapacity { get; init; } = 0.5;
    [ContextKey("databaseMaxCapacity", Min = 1, Max = 256)]
    public double DatabaseMaxCapacity { get; init; } = 4;
    /// <summary>The server's connection limit, for classes <see cref="DatabaseConnections"/> does not know.</summary>
    [ContextKey("databaseMaxConnections", Min = 10, Max = 5000)]
    public int? DatabaseMaxConnections { get; init; }

    [ContextKey("cacheMode")]
    public CacheMode CacheMode { get; init; } = CacheMode.Serverless;
    [ContextKey("cacheEngine")]
    public CacheEngine CacheEngine { get; init; } = CacheEngine.Valkey;
    [ContextKey("cacheNodeType")]
    public string CacheNodeType { get; init; } = "cache.t4g.micro";
    [ContextKey("cacheNodes", Min = 1, Max = 6)]
    public int CacheNodes { get; init; } = 2;

    [ContextKey("desiredCount", Min = 1, Max = 100)]
    public int DesiredCount { get; init; } = 2;
    [ContextKey("minTasks", Min = 1, Max = 100)]
    public int MinTasks { get; init; } = 2;
    [ContextKey("maxTasks", Min = 1, Max = 1000)]
    public int MaxTasks { get; init; } = 10;
    [ContextKey("cpu", Min = 256, Max = 16384)]
    public int Cpu { get; init; } = 512;
    [ContextKey("memoryMiB", Min = 512, Max = 122880)]
    public int MemoryMiB { get; init; } = 1024;
    [ContextKey("cpuTargetPercent", Min = 10, Max = 95)]
    public int CpuTargetPercent { get; init; } = 60;
    [ContextKey("memoryTargetPercent", Min = 10, Max = 95)]
    public int MemoryTargetPercent { get; init; } = 60;
    [ContextKey("requestsPerTarget", Min = 1, Max = 1_000_000)]
    public int RequestsPerTarget { get; init; } = 6000;
    [ContextKey("certificateArn")]
    public string? CertificateArn { get; init; }
    /// <summary>The name clients reach the service by, which <see cref="CertificateArn"/>'s certificate covers.</summary>
    [ContextKey("domainName")]
    public string? DomainName { get; init; }
    /// <summary>A Route 53 hosted zone to hold <see cref="DomainName"/> as an alias of the load balancer.</summary>
    [ContextKey("hostedZoneId")]
    public string? HostedZoneId { get; init; }
    /// <summary>Lets a public load balancer without <see cref="CertificateArn"/> serve plain HTTP, tokens and all.</summary>
    [ContextKey("allowPlainHttp")]
    public bool AllowPlainHttp { get; init; }
    /// <summary>Where Cognito's sign-in page may send people back with their code (the first is the one docs/authentication.md uses).</summary>
    [ContextKey("signInCallbackUrls")]
    public IReadOnlyList<string> SignInCallbackUrls { get; init; } = ["http://localhost:8400/callback"];
    /// <summary>Aurora and the load balancer refuse deletion until this is turned off and deployed.</summary>
    [ContextKey("deletionProtection")]
    public bool DeletionProtection { get; init; } = true;
    /// <summary>An AWS WAF web ACL in front of the load balancer: AWS managed rule groups and a rate limit per address.</summary>
    [ContextKey("webAcl")]
    public bool WebAcl { get; init; }
    /// <summary>Requests one client address may send in five minutes before the web ACL blocks it.</summary>
    [ContextKey("webAclRateLimit", Min = 10, Max = 2_000_000_000)]
    public int WebAclRateLimit { get; init; } = 2000;
    [ContextKey("accessLogDays", Min = 1, Max = 3650)]
    public int AccessLogDays { get; init; } = 90;
    [ContextKey("logRetentionDays", Min = 1, Max = 3653)]
    public int LogRetentionDays { get; init; } = 30;
    [ContextKey("secretRotationDays", Min = 1, Max = 1000)]
    public int SecretRotationDays { get; init; } = 30;
    /// <summary>The AWS Distro for OpenTelemetry collector beside each service (Amazon ECR Public).</summary>
    [ContextKey("collectorImage")]
    public string CollectorImage { get; init; } = "public.ecr.aws/aws-observability/aws-otel-collector:v0.47.0";
    /// <summary>The share of requests traced to X-Ray, which charges per trace recorded.</summary>
    [ContextKey("traceSampleRatio", Min = 0, Max = 1)]
    public double TraceSampleRatio { get; init; } = 0.05;
    /// <summary>Where alarms are mailed; without it they only show on the dashboard and in CloudWatch.</summary>
    [ContextKey("alarmEmail")]
    public string? AlarmEmail { get; init; }
    /// <summary>Interface endpoints for ECR, Secrets Manager and CloudWatch Logs, and the S3 gateway endpoint.</summary>
    [ContextKey("vpcEndpoints")]
    public bool VpcEndpoints { get; init; }
    [ContextKey("cacheMaxDataGB", Min = 1, Max = 5000)]
    public int CacheMaxDataGB { get; init; } = 2;
    [ContextKey("cacheMaxEcpuPerSecond", Min = 1000, Max = 15_000_000)]
    public int CacheMaxEcpuPerSecond { get; init; } = 100_000;

    [ContextKey("imageRepository")]
    public string ImageRepository { get; init; } = "todo";
    [ContextKey("imageTag")]
    public string? ImageTag { get; init; }

    public static TodoAwsOptions FromContext(Node node) => FromContext(node.TryGetContext);

    /// <summary>The options <c>cdk.json</c> gives, for commands that run outside <c>cdk</c> (eng/publish-image.sh).</summary>
    public static TodoAwsOptions FromCdkJson(string path)
    {
        var context = CdkJsonContext(path);
        return FromContext(key => context.GetValueOrDefault(key));
    }

    /// <summary>The <c>context</c> of a <c>cdk.json</c>, as the CDK CLI hands it to the app.</summary>
    public static Dictionary<string, object?> CdkJsonContext(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.TryGetProperty("context", out var values)
            ? values.EnumerateObject().ToDictionary(value => value.Name, value => ContextValue(value.Value))
            : [];
    }

    private static object? ContextValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => value.EnumerateArray().Select(item => (object)(item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText())).ToArray(),
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null => null,
        _ => value.GetRawText(),
    };

    /// <summary>
    /// The options from a context that <paramref name="lookUp"/> reads key by key: each property's
    /// <see cref="ContextKeyAttribute"/> names its key and range, and its initializer is the default.
    /// </summary>
    internal static TodoAwsOptions FromContext(Func<string, object?> lookUp)
    {
        var context = new CdkContext(lookUp);
        var options = new TodoAwsOptions { Region = "", AvailabilityZones = [] };
        foreach (var property in typeof(TodoAwsOptions).GetProperties())
        {
            if (property.GetCustomAttribute<ContextKeyAttribute>() is not { } key)
            {
                continue;
            }
            if (context.Read(key, property.PropertyType) is { } value)
            {
                property.SetValue(options, value);
            }
            else if (key.Required is { } reason)
            {
                throw new DeploymentRefusedException($"Context {key.Key} is required (cdk.json sets it): {reason}.");
            }
        }
        return (options with
        {
            Account = options.Account ?? Environment.GetEnvironmentVariable("CDK_DEFAULT_ACCOUNT"),
            DomainName = options.DomainName?.TrimEnd('.').ToLowerInvariant(),
        }).Validated();
    }

    private TodoAwsOptions Validated()
    {
        if (MinTasks > MaxTasks || DesiredCount < MinTasks || DesiredCount > MaxTasks)
        {
            throw new DeploymentRefusedException($"Context needs minTasks ≤ desiredCount ≤ maxTasks; got {MinTasks}, {DesiredCount}, {MaxTasks}.");
        }
        if (DatabaseMinCapacity > DatabaseMaxCapacity)
        {
            throw new DeploymentRefusedException($"Context needs databaseMinCapacity ≤ databaseMaxCapacity; got {DatabaseMinCapacity} and {DatabaseMaxCapacity}.");
        }
        if (AvailabilityZones.Count < 2 || AvailabilityZones.Distinct().Count() != AvailabilityZones.Count)
        {
            throw new DeploymentRefusedException("Context availabilityZones must name at least two different zones.");
        }
        if (AvailabilityZones.FirstOrDefault(zone => zone.Length != Region.Length + 1 || !zone.StartsWith(Region, StringComparison.Ordinal)
            || !char.IsAsciiLetterLower(zone[^1])) is { } foreign)
        {
            throw new DeploymentRefusedException($"Zone '{foreign}' is not a zone of region '{Region}'.");
        }
        if (NatGateways == 0 && !VpcEndpoints)
        {
            throw new DeploymentRefusedException("Context natGateways=0 needs vpcEndpoints=true: the functions that rotate the database's credentials "
                + "run in the private subnets and reach Secrets Manager only through a NAT gateway or its endpoint.");
        }
        if (NatGateways > AvailabilityZones.Count)
        {
            throw new DeploymentRefusedException($"Context natGateways ({NatGateways}) cannot exceed the number of zones ({AvailabilityZones.Count}).");
        }
        if (!EngineVersion().IsMatch(DatabaseEngineVersion))
        {
            throw new DeploymentRefusedException($"Context databaseEngineVersion must be a major version such as 16 or a full one such as 16.6; got '{DatabaseEngineVersion}'.");
        }
        if (DatabaseMinCapacity * 2 % 1 != 0 || DatabaseMaxCapacity * 2 % 1 != 0)
        {
            throw new DeploymentRefusedException("Aurora Serverless v2 capacities come in steps of 0.5 ACU.");
        }
        if (!FargateTaskSizes.IsValid(Cpu, MemoryMiB))
        {
            throw new DeploymentRefusedException($"Fargate has no task of {Cpu} CPU units and {MemoryMiB} MiB; valid sizes: {FargateTaskSizes.Describe(Cpu)}.");
        }
        if (CertificateArn is not null && !CertificateArn.StartsWith($"arn:aws:acm:{Region}:", StringComparison.Ordinal))
        {
            throw new DeploymentRefusedException($"Context certificateArn must be an ACM certificate in {Region}: a load balancer uses certificates of its own region.");
        }
        // Cognito takes absolute callback URLs, never plain HTTP but to localhost (CreateUserPoolClient, CallbackURLs).
        if (SignInCallbackUrls.Count == 0 || SignInCallbackUrls.Any(url => !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.Scheme == Uri.UriSchemeHttp && uri.Host != "localhost") || uri.Fragment.Length > 0))
        {
            throw new DeploymentRefusedException("Context signInCallbackUrls must name absolute URLs without a fragment, https:// (or "
                + $"http://localhost) for web pages; got '{string.Join(",", SignInCallbackUrls)}'.");
        }
        if (CertificateArn is not null && DomainName is null)
        {
            throw new DeploymentRefusedException("Context certificateArn needs domainName, the name its certificate covers: clients reach the service by "
                + "it, and TLS fails on the load balancer's own name, which no certificate of yours covers.");
        }
        if (DomainName is not null && !HostName().IsMatch(DomainName))
        {
            throw new DeploymentRefusedException($"Context domainName must be a DNS name such as todo.example.com; got '{DomainName}'.");
        }
        if (HostedZoneId is not null && (DomainName is null || !HostedZone().IsMatch(HostedZoneId)))
        {
            throw new DeploymentRefusedException("Context hostedZoneId must be a Route 53 hosted zone id (Z…) and comes with domainName, the record it holds.");
        }
        if (!LogRetention.IsValid(LogRetentionDays))
        {
            throw new DeploymentRefusedException($"Context logRetentionDays must be a period CloudWatch Logs offers: {string.Join(", ", LogRetention.Days)}; got {LogRetentionDays}.");
        }
        return this;
    }

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)?$")]
    private static partial Regex EngineVersion();

    /// <summary>Labels of letters, digits and inner hyphens, at most 63 each, two or more, 253 in all.</summary>
    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex HostName();

    [GeneratedRegex(@"^Z[A-Z0-9]{1,31}$")]
    private static partial Regex HostedZone();
}
