using System.Text.Json;
using Amazon.CDK.AWS.ECS;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Logs;
using Constructs;

namespace Todo.Aws.Constructs;

/// <summary>
/// What the Aspire dashboard shows locally, on AWS: the AWS Distro for OpenTelemetry collector beside the app in its
/// task receives the app's OTLP and sends traces to X-Ray and metrics to CloudWatch, as embedded-metric logs in a log
/// group of their own (namespace <c>appName</c>). Logs stay with the container's log driver.
/// </summary>
/// <remarks>
/// Counters and histograms leave the app as deltas: the EMF exporter turns cumulative counters into deltas itself but
/// not histograms. CloudWatch receives only the metrics named in <see cref="MetricDeclarations"/>, each by service.
/// </remarks>
public static class TelemetryCollector
{
    public const string ContainerName = "otel-collector";

    // The task's containers share one network namespace; an address, not a name that may resolve to ::1 first.
    private const string OtlpEndpoint = "http://127.0.0.1:4317";

    /// <summary>
    /// The metrics CloudWatch receives, as regular expressions over OpenTelemetry's names: prefixes, without a closing
    /// <c>$</c>, which the collector's configuration could take for the start of a variable.
    /// </summary>
    public static readonly string[] MetricDeclarations =
    [
        @"^todo\.output_cache\.",
        @"^http\.server\.request\.duration",
        @"^http\.server\.active_requests",
        @"^dotnet\.gc\.heap\.total_allocated",
        @"^dotnet\.thread_pool\.queue\.length",
    ];

    public static ContainerDefinition Add(Construct scope, FargateTaskDefinition task, ContainerDefinition app, string service,
        ILogGroup logs, TodoAwsOptions options)
    {
        var metricsLogGroup = $"/ecs/{options.AppName}/{service}/metrics";
        var metrics = LogRetention.Group(scope, "MetricsLogs", options, metricsLogGroup);
        var collector = task.AddContainer(ContainerName, new ContainerDefinitionOptions
        {
            ContainerName = ContainerName,
            Image = ContainerImage.FromRegistry(options.CollectorImage),
            Essential = false,
            MemoryReservationMiB = 64,
            Environment = new Dictionary<string, string> { ["AOT_CONFIG_CONTENT"] = Configuration(options.AppName, metricsLogGroup) },
            Logging = LogDriver.AwsLogs(new AwsLogDriverProps { LogGroup = logs, StreamPrefix = ContainerName }),
        });
        app.AddEnvironment("OTEL_SERVICE_NAME", service);
        app.AddEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", OtlpEndpoint);
        app.AddEnvironment("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
        app.AddEnvironment("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "delta");
        app.AddEnvironment("OTEL_LOGS_EXPORTER", "none");
        app.AddEnvironment("OTEL_TRACES_SAMPLER_ARG", options.TraceSampleRatio.ToString(System.Globalization.CultureInfo.InvariantCulture));
        app.AddContainerDependencies(new ContainerDependency { Container = collector, Condition = ContainerDependencyCondition.START });

        task.AddToTaskRolePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
            Resources = ["*"],
        }));
        task.AddToTaskRolePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resources = [metrics.LogGroupArn],
        }));
        NagSuppression.OnWildcardResources(task.TaskRole,
            "X-Ray's PutTraceSegments and PutTelemetryRecords take no resource (Service Authorization Reference, AWS X-Ray); the "
            + "log actions name only the metrics' log group.");
        return collector;
    }

    /// <summary>The collector's configuration (YAML, of which JSON is a part), which it reads from AOT_CONFIG_CONTENT.</summary>
    public static string Configuration(string metricsNamespace, string metricsLogGroup) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["extensions"] = new Dictionary<string, object> { ["health_check"] = new Dictionary<string, object> { ["endpoint"] = "127.0.0.1:13133" } },
        ["receivers"] = new Dictionary<string, object>
        {
            ["otlp"] = new Dictionary<string, object>
            {
                ["protocols"] = new Dictionary<string, object> { ["grpc"] = new Dictionary<string, object> { ["endpoint"] = "127.0.0.1:4317" } },
            },
        },
        ["processors"] = new Dictionary<string, object>
        {
            ["batch/traces"] = new Dictionary<string, object> { ["timeout"] = "1s", ["send_batch_size"] = 50 },
            ["batch/metrics"] = new Dictionary<string, object> { ["timeout"] = "60s" },
        },
        ["exporters"] = new Dictionary<string, object>
        {
            ["awsxray"] = new Dictionary<string, object>(),
            ["awsemf"] = new Dictionary<string, object>
            {
                ["namespace"] = metricsNamespace,
                ["log_group_name"] = metricsLogGroup,
                ["log_stream_name"] = "otel-metrics",
                ["dimension_rollup_option"] = "NoDimensionRollup",
                ["resource_to_telemetry_conversion"] = new Dictionary<string, object> { ["enabled"] = true },
                ["metric_declarations"] = new[]
                {
                    new Dictionary<string, object>
                    {
                        ["dimensions"] = new[] { new[] { "service.name" } },
                        ["metric_name_selectors"] = MetricDeclarations,
                    },
                },
            },
        },
        ["service"] = new Dictionary<string, object>
        {
            ["extensions"] = new[] { "health_check" },
            ["pipelines"] = new Dictionary<string, object>
            {
                ["traces"] = Pipeline("batch/traces", "awsxray"),
                ["metrics"] = Pipeline("batch/metrics", "awsemf"),
            },
        },
    });

    private static Dictionary<string, object> Pipeline(string processor, string exporter) => new()
    {
        ["receivers"] = new[] { "otlp" },
        ["processors"] = new[] { processor },
        ["exporters"] = new[] { exporter },
    };
}
