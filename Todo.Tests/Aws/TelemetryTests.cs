using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Todo.SharedOutputCache;
using Todo.Tests.Infrastructure;
using Todo.Aws.Constructs;

namespace Todo.Tests.Aws;

/// <summary>
/// The telemetry the Aspire dashboard shows locally reaches AWS through a collector beside the API, and CloudWatch
/// watches the service: a dashboard, and alarms that notify a topic.
/// </summary>
[Collection(AwsCollection.Name)]
[Trait("Category", "Aws")]
[Trait("Category", "Slow")]
public sealed class TelemetryTests(DefaultDeployment defaults)
{
    [Fact]
    public void The_api_sends_traces_and_metrics_to_a_collector_beside_it_that_exports_to_xray_and_cloudwatch()
    {
        var containers = defaults.Synthesis.Containers("todo-api");
        var collector = containers[TelemetryCollector.ContainerName];
        var api = containers["todo-api"];
        var configuration = JsonNode.Parse(TemplateText.Environment(collector)["AOT_CONFIG_CONTENT"])!;

        Assert.StartsWith("public.ecr.aws/aws-observability/aws-otel-collector:v", collector["Image"]!.GetValue<string>());
        Assert.False(collector["Essential"]!.GetValue<bool>());
        Assert.Equal("http://127.0.0.1:4317", TemplateText.Environment(api)["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("delta", TemplateText.Environment(api)["OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE"]);
        Assert.Equal("none", TemplateText.Environment(api)["OTEL_LOGS_EXPORTER"]);
        Assert.Equal("todo-api", TemplateText.Environment(api)["OTEL_SERVICE_NAME"]);
        Assert.Equal("0.05", TemplateText.Environment(api)["OTEL_TRACES_SAMPLER_ARG"]);
        Assert.Equal(["awsxray"], Exporters(configuration, "traces"));
        Assert.Equal(["awsemf"], Exporters(configuration, "metrics"));
        var emf = configuration["exporters"]!["awsemf"]!;
        Assert.Equal("todo", emf["namespace"]!.GetValue<string>());
        Assert.Equal("/ecs/todo/todo-api/metrics", emf["log_group_name"]!.GetValue<string>());
        Assert.DoesNotContain("$", TemplateText.Environment(collector)["AOT_CONFIG_CONTENT"]);
        defaults.Synthesis["todo-api"].HasResourceProperties("AWS::Logs::LogGroup", new Dictionary<string, object>
        {
            ["LogGroupName"] = "/ecs/todo/todo-api/metrics",
            ["RetentionInDays"] = 30,
        });
        var policies = defaults.Synthesis.Resources("todo-api", "AWS::IAM::Policy").Values.Select(policy => policy.ToJsonString()).ToList();
        Assert.Contains(policies, policy => policy.Contains("xray:PutTraceSegments", StringComparison.Ordinal) && policy.Contains("TaskRole", StringComparison.Ordinal));
    }

    /// <summary>Every counter of the shared cache, by the name the app gives it, is one CloudWatch receives.</summary>
    [Fact]
    public void Every_cache_metric_the_api_records_is_a_metric_cloudwatch_receives()
    {
        var names = new List<string>();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        // Only this factory's meters: API instances of other tests publish theirs meanwhile.
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == SharedOutputCacheMetrics.MeterName && instrument.Meter.Scope == meters)
                {
                    names.Add(instrument.Name);
                }
            },
        };
        listener.Start();
        _ = new SharedOutputCacheMetrics(meters);

        Assert.Equal(5, names.Count);
        Assert.All(names, name => Assert.Contains(TelemetryCollector.MetricDeclarations, selector => Regex.IsMatch(name, selector)));
        var dashboard = TemplateText.Of(Assert.Single(defaults.Synthesis.Resources("todo-api", "AWS::CloudWatch::Dashboard").Values)["Properties"]!["DashboardBody"]);
        Assert.All(names, name => Assert.Contains($"\"{name}\"", dashboard));
    }

    [Fact]
    public void Alarms_watch_errors_latency_cache_failures_unhealthy_targets_and_auroras_capacity_and_notify_an_encrypted_topic()
    {
        var alarms = defaults.Synthesis.Resources("todo-api", "AWS::CloudWatch::Alarm").Values.Select(alarm => alarm["Properties"]!).ToList();
        var capacity = Assert.Single(defaults.Synthesis.Resources("todo-postgres", "AWS::CloudWatch::Alarm").Values)["Properties"]!;
        var topic = Assert.Single(defaults.Synthesis.Resources("todo-api", "AWS::SNS::Topic")).Key;

        Assert.Equal(4, alarms.Count);
        Assert.Contains(alarms, alarm => alarm["Metrics"]?.ToJsonString().Contains("HTTPCode_Target_5XX_Count", StringComparison.Ordinal) == true);
        Assert.Contains(alarms, alarm => alarm["MetricName"]?.GetValue<string>() == "TargetResponseTime" && alarm["ExtendedStatistic"]!.GetValue<string>() == "p99");
        Assert.Contains(alarms, alarm => alarm["MetricName"]?.GetValue<string>() == "todo.output_cache.failures" && alarm["Namespace"]!.GetValue<string>() == "todo");
        Assert.Contains(alarms, alarm => alarm["MetricName"]?.GetValue<string>() == "UnHealthyHostCount");
        Assert.All(alarms, alarm => Assert.Contains(topic, alarm["AlarmActions"]!.ToJsonString()));
        Assert.Equal("ACUUtilization", capacity["MetricName"]!.GetValue<string>());
        Assert.Equal(90, capacity["Threshold"]!.GetValue<int>());
        Assert.NotNull(Assert.Single(defaults.Synthesis.Resources("todo-api", "AWS::SNS::Topic").Values)["Properties"]!["KmsMasterKeyId"]);
        Assert.Equal("CPUUtilization", Assert.Single(DocumentedDeployments.Get("database-provisioned").Resources("todo-postgres", "AWS::CloudWatch::Alarm").Values)
            ["Properties"]!["MetricName"]!.GetValue<string>());
    }

    private static List<string> Exporters(JsonNode configuration, string pipeline) =>
        [.. configuration["service"]!["pipelines"]![pipeline]!["exporters"]!.AsArray().Select(exporter => exporter!.GetValue<string>())];
}
