using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.ECS.Patterns;
using Amazon.CDK.AWS.ElasticLoadBalancingV2;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.SNS;
using Amazon.CDK.AWS.SNS.Subscriptions;
using Constructs;

namespace Todo.Aws.Constructs;

/// <summary>
/// Where to look once a service runs on AWS: a CloudWatch dashboard of its requests, errors, latency, targets, tasks and
/// shared cache, and alarms for a 5xx rate above 5 %, a p99 latency above a second, cache failures, unhealthy targets
/// and those of what it uses (Aurora's capacity), sent to an encrypted topic (mailed with <c>alarmEmail</c>).
/// </summary>
public static class ServiceMonitoring
{
    public static void Add(Construct scope, ApplicationLoadBalancedFargateService service, string name, IReadOnlyList<IAlarm> dependencyAlarms,
        TodoAwsOptions options)
    {
        var loadBalancer = service.LoadBalancer.Metrics;
        var requests = loadBalancer.RequestCount(new MetricOptions { Period = Duration.Minutes(1) });
        var errorRate = new MathExpression(new MathExpressionProps
        {
            Expression = "100 * (FILL(target, 0) + FILL(balancer, 0)) / MAX([FILL(requests, 0), 1])",
            UsingMetrics = new Dictionary<string, IMetric>
            {
                ["target"] = loadBalancer.HttpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, new MetricOptions { Period = Duration.Minutes(1) }),
                ["balancer"] = loadBalancer.HttpCodeElb(HttpCodeElb.ELB_5XX_COUNT, new MetricOptions { Period = Duration.Minutes(1) }),
                ["requests"] = requests,
            },
            Label = "5xx responses, % of requests",
            Period = Duration.Minutes(1),
        });
        var p99 = loadBalancer.TargetResponseTime(new MetricOptions { Statistic = "p99", Period = Duration.Minutes(1) });
        var unhealthy = service.TargetGroup.Metrics.UnhealthyHostCount(new MetricOptions { Period = Duration.Minutes(1) });
        var cacheFailures = CacheMetric(options, name, "todo.output_cache.failures");

        var topic = AlarmTopic(scope, options);
        var alarms = new[]
        {
            errorRate.CreateAlarm(scope, "ErrorRateAlarm", Alarm("More than 5 % of requests answered 5xx for 3 minutes.", 5, 3)),
            p99.CreateAlarm(scope, "LatencyAlarm", Alarm("p99 latency above 1 s for 5 minutes.", 1, 5)),
            cacheFailures.CreateAlarm(scope, "CacheFailuresAlarm", Alarm("More than 10 failed cache operations a minute for 5 minutes: "
                + "reads are served from PostgreSQL meanwhile.", 10, 5)),
            unhealthy.CreateAlarm(scope, "UnhealthyTargetsAlarm", Alarm("A task failed its health checks for 3 minutes.", 0, 3)),
        };
        foreach (var alarm in alarms)
        {
            alarm.AddAlarmAction(new SnsAction(topic));
        }

        var dashboard = new Dashboard(scope, "Dashboard", new DashboardProps
        {
            DashboardName = $"{options.AppName}-{name}",
            DefaultInterval = Duration.Hours(3),
        });
        dashboard.AddWidgets(
            new GraphWidget(new GraphWidgetProps { Title = "Requests and 5xx %", Left = [requests], Right = [errorRate], Width = 8 }),
            new GraphWidget(new GraphWidgetProps
            {
                Title = "Latency (s)",
                Left = [loadBalancer.TargetResponseTime(new MetricOptions { Statistic = "p50" }), p99],
                Width = 8,
            }),
            new GraphWidget(new GraphWidgetProps
            {
                Title = "Targets",
                Left = [service.TargetGroup.Metrics.HealthyHostCount(), unhealthy],
                Width = 8,
            }));
        dashboard.AddWidgets(
            new GraphWidget(new GraphWidgetProps
            {
                Title = "Tasks: CPU and memory %",
                Left = [service.Service.MetricCpuUtilization(), service.Service.MetricMemoryUtilization()],
                Width = 8,
            }),
            new GraphWidget(new GraphWidgetProps
            {
                Title = "Shared cache",
                Left = [.. new[] { "hits", "misses" }.Select(metric => CacheMetric(options, name, $"todo.output_cache.{metric}"))],
                Right = [.. new[] { "failures", "skipped", "stores_refused" }.Select(metric => CacheMetric(options, name, $"todo.output_cache.{metric}"))],
                Width = 8,
            }),
            new AlarmStatusWidget(new AlarmStatusWidgetProps { Title = "Alarms", Alarms = [.. alarms, .. dependencyAlarms], Width = 8 }));
    }

    /// <summary>A metric the collector writes from the app's OpenTelemetry counters, summed over all tasks each minute.</summary>
    private static Metric CacheMetric(TodoAwsOptions options, string service, string name) => new(new MetricProps
    {
        Namespace = options.AppName,
        MetricName = name,
        DimensionsMap = new Dictionary<string, string> { ["service.name"] = service },
        Statistic = "Sum",
        Period = Duration.Minutes(1),
    });

    private static CreateAlarmOptions Alarm(string description, double threshold, int minutes) => new()
    {
        AlarmDescription = description,
        Threshold = threshold,
        ComparisonOperator = ComparisonOperator.GREATER_THAN_THRESHOLD,
        EvaluationPeriods = minutes,
        DatapointsToAlarm = minutes,
        TreatMissingData = TreatMissingData.NOT_BREACHING,
    };

    /// <summary>
    /// An SNS topic encrypted with a key of its own: CloudWatch cannot publish to a topic under the AWS managed key for
    /// SNS, whose policy it may not be granted (CloudWatch User Guide, "Configuring alarm actions for encrypted topics").
    /// </summary>
    private static Topic AlarmTopic(Construct scope, TodoAwsOptions options)
    {
        var key = new Key(scope, "AlarmTopicKey", new KeyProps
        {
            Description = "Encrypts the alarm topic.",
            EnableKeyRotation = true,
            RemovalPolicy = RemovalPolicy.DESTROY,
            PendingWindow = Duration.Days(7),
        });
        key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Principals = [new ServicePrincipal("cloudwatch.amazonaws.com")],
            Actions = ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resources = ["*"],
        }));
        var topic = new Topic(scope, "AlarmTopic", new TopicProps
        {
            DisplayName = $"{options.AppName} alarms",
            MasterKey = key,
            EnforceSSL = true,
        });
        if (options.AlarmEmail is { } email)
        {
            topic.AddSubscription(new EmailSubscription(email));
        }
        return topic;
    }
}
