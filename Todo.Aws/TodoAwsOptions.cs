using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Constructs;

namespace Todo.Aws;

public enum DatabaseMode { Serverless, Provisioned }

public enum CacheMode { Serverless, Nodes }

public enum CacheEngine { Valkey, Redis }

/// <summary>
/// Every deployment switch, read from CDK context (<c>cdk.json</c> or <c>-c key=value</c>). Defaults fill only what the
/// user did not set; docs/aws.md lists each key.
/// </summary>
public sealed partial record TodoAwsOptions
{
    public string AppName { get; init; } = "todo";
    public string ManifestPath { get; init; } = "aspire-manifest.json";
    /// <summary>The one region everything deploys to, images included: context only, never the AWS CLI's profile.</summary>
    public required string Region { get; init; }
    public string? Account { get; init; }
    public required IReadOnlyList<string> AvailabilityZones { get; init; }
    public int NatGateways { get; init; } = 1;

    public DatabaseMode DatabaseMode { get; init; } = DatabaseMode.Serverless;
    /// <summary>A major version lets Aurora pick its default minor version, which stays creatable; a full one pins it.</summary>
    public string DatabaseEngineVersion { get; init; } = "16";
    public string DatabaseInstanceClass { get; init; } = "t4g.medium";
    public double DatabaseMinCapacity { get; init; } = 0.5;
    public double DatabaseMaxCapacity { get; init; } = 4;
    /// <summary>The server's connection limit, for classes <see cref="DatabaseConnections"/> does not know.</summary>
    public int? DatabaseMaxConnections { get; init; }

    public CacheMode CacheMode { get; init; } = CacheMode.Serverless;
    public CacheEngine CacheEngine { get; init; } = CacheEngine.Valkey;
    public string CacheNodeType { get; init; } = "cache.t4g.micro";
    public int CacheNodes { get; init; } = 2;

    public int DesiredCount { get; init; } = 2;
    public int MinTasks { get; init; } = 2;
    public int MaxTasks { get; init; } = 10;
    public int Cpu { get; init; } = 512;
    public int MemoryMiB { get; init; } = 1024;
    public int CpuTargetPercent { get; init; } = 60;
    public int MemoryTargetPercent { get; init; } = 60;
    public int RequestsPerTarget { get; init; } = 6000;
    public string? CertificateArn { get; init; }
    /// <summary>The name clients reach the service by, which <see cref="CertificateArn"/>'s certificate covers.</summary>
    public string? DomainName { get; init; }
    /// <summary>A Route 53 hosted zone to hold <see cref="DomainName"/> as an alias of the load balancer.</summary>
    public string? HostedZoneId { get; init; }
    /// <summary>Lets a public load balancer without <see cref="CertificateArn"/> serve plain HTTP, tokens and all.</summary>
    public bool AllowPlainHttp { get; init; }
    /// <summary>Where Cognito's sign-in page may send people back with their code (the first is the one docs/authentication.md uses).</summary>
    public IReadOnlyList<string> SignInCallbackUrls { get; init; } = ["http://localhost:8400/callback"];
    /// <summary>Aurora and the load balancer refuse deletion until this is turned off and deployed.</summary>
    public bool DeletionProtection { get; init; } = true;
    /// <summary>An AWS WAF web ACL in front of the load balancer: AWS managed rule groups and a rate limit per address.</summary>
    public bool WebAcl { get; init; }
    /// <summary>Requests one client address may send in five minutes before the web ACL blocks it.</summary>
    public int WebAclRateLimit { get; init; } = 2000;
    public int AccessLogDays { get; init; } = 90;
    public int LogRetentionDays { get; init; } = 30;
    public int SecretRotationDays { get; init; } = 30;
    /// <summary>The AWS Distro for OpenTelemetry collector beside each service (Amazon ECR Public).</summary>
    public string CollectorImage { get; init; } = "public.ecr.aws/aws-observability/aws-otel-collector:v0.47.0";
    /// <summary>The share of requests traced to X-Ray, which charges per trace recorded.</summary>
    public double TraceSampleRatio { get; init; } = 0.05;
    /// <summary>Where alarms are mailed; without it they only show on the dashboard and in CloudWatch.</summary>
    public string? AlarmEmail { get; init; }
    /// <summary>Interface endpoints for ECR, Secrets Manager and CloudWatch Logs, and the S3 gateway endpoint.</summary>
    public bool VpcEndpoints { get; init; }
    public int CacheMaxDataGB { get; init; } = 2;
    public int CacheMaxEcpuPerSecond { get; init; } = 100_000;

    public string ImageRepository { get; init; } = "todo";
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

    /// <summary>The options from a context that <paramref name="lookUp"/> reads key by key.</summary>
    internal static TodoAwsOptions FromContext(Func<string, object?> lookUp)
    {
        var context = new Context(lookUp);
        var defaults = new TodoAwsOptions { Region = "", AvailabilityZones = [] };
        return new TodoAwsOptions
        {
            AppName = context.String("appName") ?? defaults.AppName,
            ManifestPath = context.String("manifest") ?? defaults.ManifestPath,
            Region = context.String("region")
                ?? throw new DeploymentRefusedException("Context region is required (cdk.json sets it): the region every stack and image goes to."),
            Account = context.String("account") ?? Environment.GetEnvironmentVariable("CDK_DEFAULT_ACCOUNT"),
            AvailabilityZones = context.List("availabilityZones")
                ?? throw new DeploymentRefusedException("Context availabilityZones is required (cdk.json sets it): zone names differ between regions and accounts, so none is assumed."),
            NatGateways = context.Int("natGateways", 0, 2) ?? defaults.NatGateways,
            DatabaseMode = context.Enum<DatabaseMode>("databaseMode") ?? defaults.DatabaseMode,
            DatabaseEngineVersion = context.String("databaseEngineVersion") ?? defaults.DatabaseEngineVersion,
            DatabaseInstanceClass = context.String("databaseInstanceClass") ?? defaults.DatabaseInstanceClass,
            DatabaseMinCapacity = context.Double("databaseMinCapacity", 0.5, 256) ?? defaults.DatabaseMinCapacity,
            DatabaseMaxCapacity = context.Double("databaseMaxCapacity", 1, 256) ?? defaults.DatabaseMaxCapacity,
            DatabaseMaxConnections = context.Int("databaseMaxConnections", 10, 5000),
            CacheMode = context.Enum<CacheMode>("cacheMode") ?? defaults.CacheMode,
            CacheEngine = context.Enum<CacheEngine>("cacheEngine") ?? defaults.CacheEngine,
            CacheNodeType = context.String("cacheNodeType") ?? defaults.CacheNodeType,
            CacheNodes = context.Int("cacheNodes", 1, 6) ?? defaults.CacheNodes,
            DesiredCount = context.Int("desiredCount", 1, 100) ?? defaults.DesiredCount,
            MinTasks = context.Int("minTasks", 1, 100) ?? defaults.MinTasks,
            MaxTasks = context.Int("maxTasks", 1, 1000) ?? defaults.MaxTasks,
            Cpu = context.Int("cpu", 256, 16384) ?? defaults.Cpu,
            MemoryMiB = context.Int("memoryMiB", 512, 122880) ?? defaults.MemoryMiB,
            CpuTargetPercent = context.Int("cpuTargetPercent", 10, 95) ?? defaults.CpuTargetPercent,
            MemoryTargetPercent = context.Int("memoryTargetPercent", 10, 95) ?? defaults.MemoryTargetPercent,
            RequestsPerTarget = context.Int("requestsPerTarget", 1, 1_000_000) ?? defaults.RequestsPerTarget,
            CertificateArn = context.String("certificateArn"),
            DomainName = context.String("domainName")?.TrimEnd('.').ToLowerInvariant(),
            HostedZoneId = context.String("hostedZoneId"),
            AllowPlainHttp = context.Bool("allowPlainHttp") ?? defaults.AllowPlainHttp,
            SignInCallbackUrls = context.List("signInCallbackUrls") ?? defaults.SignInCallbackUrls,
            DeletionProtection = context.Bool("deletionProtection") ?? defaults.DeletionProtection,
            WebAcl = context.Bool("webAcl") ?? defaults.WebAcl,
            WebAclRateLimit = context.Int("webAclRateLimit", 10, 2_000_000_000) ?? defaults.WebAclRateLimit,
            AccessLogDays = context.Int("accessLogDays", 1, 3650) ?? defaults.AccessLogDays,
            LogRetentionDays = context.Int("logRetentionDays", 1, 3653) ?? defaults.LogRetentionDays,
            SecretRotationDays = context.Int("secretRotationDays", 1, 1000) ?? defaults.SecretRotationDays,
            CollectorImage = context.String("collectorImage") ?? defaults.CollectorImage,
            AlarmEmail = context.String("alarmEmail"),
            TraceSampleRatio = context.Double("traceSampleRatio", 0, 1) ?? defaults.TraceSampleRatio,
            VpcEndpoints = context.Bool("vpcEndpoints") ?? defaults.VpcEndpoints,
            CacheMaxDataGB = context.Int("cacheMaxDataGB", 1, 5000) ?? defaults.CacheMaxDataGB,
            CacheMaxEcpuPerSecond = context.Int("cacheMaxEcpuPerSecond", 1000, 15_000_000) ?? defaults.CacheMaxEcpuPerSecond,
            ImageRepository = context.String("imageRepository") ?? defaults.ImageRepository,
            ImageTag = context.String("imageTag"),
        }.Validated();
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

    /// <summary>Reads context values that arrive as JSON from cdk.json or as strings from <c>-c key=value</c>.</summary>
    private sealed class Context(Func<string, object?> lookUp)
    {
        public string? String(string key) => lookUp(key) switch
        {
            null => null,
            string text when text.Length == 0 => null,
            var value => Convert.ToString(value, CultureInfo.InvariantCulture),
        };

        public IReadOnlyList<string>? List(string key) => lookUp(key) switch
        {
            null => null,
            string text when text.TrimStart().StartsWith('[') => JsonSerializer.Deserialize<string[]>(text),
            string text => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            object[] items => items.Select(item => Convert.ToString(item, CultureInfo.InvariantCulture)!).ToArray(),
            var other => throw new DeploymentRefusedException($"Context {key} must be a list of strings, not {other}."),
        };

        public bool? Bool(string key) => String(key) switch
        {
            null => null,
            var text when bool.TryParse(text, out var value) => value,
            var text => throw new DeploymentRefusedException($"Context {key} must be true or false; got '{text}'."),
        };

        public int? Int(string key, int min, int max) => Double(key, min, max) switch
        {
            null => null,
            var value when value == Math.Floor(value.Value) => (int)value,
            _ => throw new DeploymentRefusedException($"Context {key} must be a whole number."),
        };

        public double? Double(string key, double min, double max)
        {
            if (String(key) is not { } text)
            {
                return null;
            }
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                throw new DeploymentRefusedException($"Context {key} must be a number from {min} to {max}; got '{text}'.");
            }
            return value;
        }

        public TEnum? Enum<TEnum>(string key) where TEnum : struct, System.Enum
        {
            if (String(key) is not { } text)
            {
                return null;
            }
            return System.Enum.TryParse<TEnum>(text, ignoreCase: true, out var value) && System.Enum.IsDefined(value)
                ? value
                : throw new DeploymentRefusedException(
                    $"Context {key} must be one of {string.Join(", ", System.Enum.GetNames<TEnum>().Select(name => name.ToLowerInvariant()))}; got '{text}'.");
        }
    }
}
