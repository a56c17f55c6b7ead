using Amazon.CDK.Assertions;
using Todo.Aws.Images;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Aws;

[Collection(AwsCollection.Name)]
[Trait("Category", "Aws")]
[Trait("Category", "Slow")]
public sealed class ServiceTests(DefaultDeployment defaults, SwitchedDeployment switched)
{
    private Template Api => defaults.Synthesis["todo-api"];

    [Fact]
    public void The_api_runs_two_half_vcpu_one_gib_fargate_tasks_behind_an_internet_facing_load_balancer()
    {
        Api.HasResourceProperties("AWS::ECS::TaskDefinition", new Dictionary<string, object>
        {
            ["Cpu"] = "512",
            ["Memory"] = "1024",
            ["RequiresCompatibilities"] = new[] { "FARGATE" },
        });
        Api.HasResourceProperties("AWS::ECS::Service", new Dictionary<string, object> { ["DesiredCount"] = 2, ["LaunchType"] = "FARGATE" });
        Api.HasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", new Dictionary<string, object> { ["Scheme"] = "internet-facing" });
    }

    [Fact]
    public void The_load_balancer_checks_alive()
    {
        Api.HasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", new Dictionary<string, object>
        {
            ["HealthCheckPath"] = "/alive",
            ["Matcher"] = new Dictionary<string, object> { ["HttpCode"] = "200" },
            ["Port"] = 80,
        });
    }

    [Fact]
    public void A_failing_deployment_is_rolled_back_by_the_circuit_breaker()
    {
        Api.HasResourceProperties("AWS::ECS::Service", new Dictionary<string, object>
        {
            ["DeploymentConfiguration"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["DeploymentCircuitBreaker"] = new Dictionary<string, object> { ["Enable"] = true, ["Rollback"] = true },
                ["MinimumHealthyPercent"] = 100,
            }),
        });
    }

    [Fact]
    public void Logs_are_kept_a_month()
    {
        Api.HasResourceProperties("AWS::Logs::LogGroup", new Dictionary<string, object> { ["RetentionInDays"] = 30 });
        var container = Assert.Single(defaults.Synthesis.Resources("todo-api", "AWS::ECS::TaskDefinition").Values)
            ["Properties"]!["ContainerDefinitions"]![0]!;
        Assert.Equal("awslogs", container["LogConfiguration"]!["LogDriver"]!.GetValue<string>());
    }

    [Fact]
    public void Tasks_scale_from_2_to_10_on_cpu_memory_and_requests_per_target()
    {
        Api.HasResourceProperties("AWS::ApplicationAutoScaling::ScalableTarget", new Dictionary<string, object>
        {
            ["MinCapacity"] = 2,
            ["MaxCapacity"] = 10,
        });
        var policies = defaults.Synthesis.Resources("todo-api", "AWS::ApplicationAutoScaling::ScalingPolicy").Values
            .Select(policy => policy["Properties"]!["TargetTrackingScalingPolicyConfiguration"]!)
            .ToDictionary(
                policy => policy["PredefinedMetricSpecification"]!["PredefinedMetricType"]!.GetValue<string>(),
                policy => policy["TargetValue"]!.GetValue<double>());

        Assert.Equal(new Dictionary<string, double>
        {
            ["ECSServiceAverageCPUUtilization"] = 60,
            ["ECSServiceAverageMemoryUtilization"] = 60,
            ["ALBRequestCountPerTarget"] = 6000,
        }, policies);
    }

    [Fact]
    public void The_environment_comes_from_the_manifest_with_references_resolved_and_secrets_from_secrets_manager()
    {
        var container = Assert.Single(defaults.Synthesis.Resources("todo-api", "AWS::ECS::TaskDefinition").Values)
            ["Properties"]!["ContainerDefinitions"]![0]!;
        var environment = container["Environment"]!.AsArray()
            .ToDictionary(variable => variable!["Name"]!.GetValue<string>(),
                variable => variable!["Value"] is System.Text.Json.Nodes.JsonValue text ? text.GetValue<string>() : variable["Value"]!.ToJsonString());
        var secrets = container["Secrets"]!.AsArray().ToDictionary(secret => secret!["Name"]!.GetValue<string>(), secret => secret!["ValueFrom"]!.ToJsonString());

        Assert.Equal("8080", environment["HTTP_PORTS"]);
        Assert.Equal("true", environment["ASPNETCORE_FORWARDEDHEADERS_ENABLED"]);
        Assert.DoesNotContain(environment.Values, value => value.Contains("{{", StringComparison.Ordinal));
        Assert.Contains("Database=todos;SSL Mode=VerifyFull;Root Certificate=/app/rds-ca-bundle.pem", environment["ConnectionStrings__todos"]);
        Assert.Contains("todo-postgres", secrets["ConnectionStrings__todos__Password"]);
        Assert.Contains("todo-cache", secrets["ConnectionStrings__cache__password"]);
        Assert.Equal(8080, container["PortMappings"]![0]!["ContainerPort"]!.GetValue<int>());
    }

    [Fact]
    public void The_image_is_the_projects_content_hash_tag_in_the_repository_the_images_stack_creates()
    {
        var tag = ImageTag.ForProject(Repository.Root, Path.Combine(Repository.Root, "Todo.Api", "Todo.Api.csproj"));
        var container = Assert.Single(defaults.Synthesis.Resources("todo-api", "AWS::ECS::TaskDefinition").Values)
            ["Properties"]!["ContainerDefinitions"]![0]!;

        Assert.Matches("^sha-[0-9a-f]{20}-arm64$", tag);
        Assert.Contains($"\":{tag}\"", container["Image"]!.ToJsonString());
        Assert.Contains("todo-images", container["Image"]!.ToJsonString());
        defaults.Synthesis["todo-images"].HasResourceProperties("AWS::ECR::Repository", new Dictionary<string, object>
        {
            ["RepositoryName"] = "todo/todo-api",
            ["ImageTagMutability"] = "IMMUTABLE",
        });
    }

    [Fact]
    public void Switches_set_task_size_count_scaling_image_and_https()
    {
        var api = switched.Synthesis["todo-api"];

        api.HasResourceProperties("AWS::ECS::TaskDefinition", new Dictionary<string, object> { ["Cpu"] = "1024", ["Memory"] = "2048" });
        api.HasResourceProperties("AWS::ECS::Service", new Dictionary<string, object> { ["DesiredCount"] = 3 });
        api.HasResourceProperties("AWS::ApplicationAutoScaling::ScalableTarget", new Dictionary<string, object> { ["MinCapacity"] = 3, ["MaxCapacity"] = 6 });
        api.HasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", new Dictionary<string, object> { ["Protocol"] = "HTTPS", ["Port"] = 443 });
        switched.Synthesis["todo-images"].HasResourceProperties("AWS::ECR::Repository", new Dictionary<string, object> { ["RepositoryName"] = "acme/todo-api" });
        var container = Assert.Single(switched.Synthesis.Resources("todo-api", "AWS::ECS::TaskDefinition").Values)
            ["Properties"]!["ContainerDefinitions"]![0]!;
        Assert.Contains(":v42", container["Image"]!.ToJsonString());
    }

    [Fact]
    public void Outputs_give_the_service_url_and_the_cache_and_database_endpoints()
    {
        Assert.NotNull(defaults.Synthesis.Json["todo-api"]["Outputs"]!["ServiceUrl"]);
        Assert.NotNull(defaults.Synthesis.Json["todo-cache"]["Outputs"]!["CacheEndpoint"]);
        Assert.NotNull(defaults.Synthesis.Json["todo-postgres"]["Outputs"]!["DatabaseEndpoint"]);
        Assert.StartsWith("{\"Fn::Join\":[\"\",[\"http://\"", defaults.Synthesis.Json["todo-api"]["Outputs"]!["ServiceUrl"]!["Value"]!.ToJsonString());
    }
}
