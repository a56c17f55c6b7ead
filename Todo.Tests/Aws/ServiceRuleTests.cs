using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Todo.Aws;
using Todo.Aws.Images;
using Todo.Tests.Infrastructure;
using Todo.Hosting.LocalServices;
using Todo.Aws.Constructs;

namespace Todo.Tests.Aws;

/// <summary>
/// Rules the services enforce that no resource schema states, over every documented switch combination. Each test
/// names the documentation page it enforces; each failed on the templates before it was written.
/// </summary>
[Collection(AwsCollection.Name)]
[Trait("Category", "Aws")]
[Trait("Category", "Slow")]
public sealed partial class ServiceRuleTests
{
    /// <summary>https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Clusters.RBAC.html: a Valkey user group takes only users that authenticate.</summary>
    [Theory]
    [MemberData(nameof(DocumentedDeployments.Names), MemberType = typeof(DocumentedDeployments))]
    public void Every_user_of_a_valkey_user_group_authenticates_with_a_password_or_iam(string deployment)
    {
        var (groups, users) = CacheUsers(DocumentedDeployments.Get(deployment));

        foreach (var group in groups.Where(group => group["Engine"]!.GetValue<string>() == "valkey"))
        {
            Assert.All(group["UserIds"]!.AsArray(), id => Assert.Contains(
                users[id!.GetValue<string>()]["AuthenticationMode"]!["Type"]!.GetValue<string>(), new[] { "password", "iam" }));
        }
    }

    /// <summary>
    /// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticache-usergroup.html:
    /// "A user named default must be included"; ours is switched off, so only the application's user can connect.
    /// </summary>
    [Theory]
    [MemberData(nameof(DocumentedDeployments.Names), MemberType = typeof(DocumentedDeployments))]
    public void Every_user_group_holds_a_default_user_that_is_switched_off(string deployment)
    {
        var (groups, users) = CacheUsers(DocumentedDeployments.Get(deployment));

        Assert.NotEmpty(groups);
        foreach (var group in groups)
        {
            var members = group["UserIds"]!.AsArray().Select(id => users[id!.GetValue<string>()]).ToList();
            var defaultUser = Assert.Single(members, user => user["UserName"]!.GetValue<string>() == "default");
            Assert.Equal("off -@all", defaultUser["AccessString"]!.GetValue<string>());
            Assert.All(members, user => Assert.Equal(group["Engine"]!.GetValue<string>(), user["Engine"]!.GetValue<string>()));
        }
    }

    /// <summary>
    /// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html and API_IpRange.html: group
    /// and rule descriptions take up to 255 of a-z A-Z 0-9, spaces and ._-:/()#,@[]+=&amp;;{}!$*. The resource schema
    /// checks group descriptions only, not those of separate ingress and egress rules.
    /// </summary>
    [Theory]
    [MemberData(nameof(DocumentedDeployments.Names), MemberType = typeof(DocumentedDeployments))]
    public void Every_security_group_and_rule_description_is_text_ec2_accepts(string deployment)
    {
        var synthesis = DocumentedDeployments.Get(deployment);
        var descriptions = new List<string>();
        foreach (var stack in synthesis.Json.Keys)
        {
            descriptions.AddRange(synthesis.Resources(stack, "AWS::EC2::SecurityGroup").Values.SelectMany(group => new[]
            {
                group["Properties"]!["GroupDescription"],
            }.Concat(Rules(group["Properties"]!["SecurityGroupIngress"])).Concat(Rules(group["Properties"]!["SecurityGroupEgress"]))).Select(node => TemplateText.Of(node)));
            descriptions.AddRange(new[] { "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress" }
                .SelectMany(type => synthesis.Resources(stack, type).Values)
                .Select(rule => rule["Properties"]!["Description"]).Where(description => description is not null).Select(node => TemplateText.Of(node)));
        }

        Assert.NotEmpty(descriptions);
        Assert.All(descriptions, description => Assert.True(Ec2Text.IsValidDescription(description), $"EC2 refuses the description '{description}'"));

        static IEnumerable<JsonNode?> Rules(JsonNode? rules) => rules?.AsArray().Select(rule => rule!["Description"]).Where(text => text is not null) ?? [];
    }

    [Fact]
    public void Descriptions_made_from_any_name_are_text_ec2_accepts()
    {
        Assert.Equal("ElastiCache  todo cache : fine", Ec2Text.Description("ElastiCache 'todo~cache': fine"));
        Assert.Equal(Ec2Text.MaxLength, Ec2Text.Description(new string('x', 300)).Length);
        Assert.True(Ec2Text.IsValidDescription(Ec2Text.Description("Ünïcode – “quotes” <tags> ~`^|\\\"'?")));
    }

    /// <summary>
    /// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html: CloudFormation orders
    /// resources only by references and DependsOn, so without it tasks could start before they may reach the database.
    /// </summary>
    [Theory]
    [MemberData(nameof(DocumentedDeployments.Names), MemberType = typeof(DocumentedDeployments))]
    public void Tasks_start_only_after_the_rules_that_let_them_reach_what_they_use(string deployment)
    {
        var synthesis = DocumentedDeployments.Get(deployment);

        var rules = synthesis.Resources("todo-api", "AWS::EC2::SecurityGroupIngress").Keys.ToList();
        var service = Assert.Single(synthesis.Resources("todo-api", "AWS::ECS::Service").Values);

        Assert.Equal(3, rules.Count(rule => rule.StartsWith("Ingress", StringComparison.Ordinal)));
        var dependsOn = service["DependsOn"]!.AsArray().Select(id => id!.GetValue<string>()).ToList();
        Assert.All(rules.Where(rule => rule.StartsWith("Ingress", StringComparison.Ordinal)), rule => Assert.Contains(rule, dependsOn));
    }

    /// <summary>
    /// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Managing.html#AuroraPostgreSQL.Managing.MaxConnections
    /// and aurora-serverless-v2.setting-capacity.html: every task's pool at full scale stays within 80 % of the limit.
    /// </summary>
    [Theory]
    [MemberData(nameof(DocumentedDeployments.Names), MemberType = typeof(DocumentedDeployments))]
    public void Every_tasks_pool_fits_the_databases_connection_limit_at_full_scale(string deployment)
    {
        var synthesis = DocumentedDeployments.Get(deployment);
        var options = Options(deployment);

        var connectionString = Environment(synthesis)["ConnectionStrings__todos"];
        var poolSize = int.Parse(PoolSize().Match(connectionString).Groups["size"].Value, System.Globalization.CultureInfo.InvariantCulture);
        var maxTasks = Assert.Single(synthesis.Resources("todo-api", "AWS::ApplicationAutoScaling::ScalableTarget").Values)
            ["Properties"]!["MaxCapacity"]!.GetValue<int>();

        Assert.Equal(options.MaxTasks, maxTasks);
        Assert.InRange(poolSize * maxTasks, 1, 0.8 * DatabaseConnections.MaxConnections(options));
    }

    [Fact]
    public void The_connection_limit_follows_the_documented_figures()
    {
        TodoAwsOptions Serverless(double min, double max) => Options(DocumentedDeployments.Defaults) with { DatabaseMinCapacity = min, DatabaseMaxCapacity = max };
        TodoAwsOptions Provisioned(string instanceClass) => Options(DocumentedDeployments.Defaults) with { DatabaseMode = DatabaseMode.Provisioned, DatabaseInstanceClass = instanceClass };

        Assert.Equal(189, DatabaseConnections.MaxConnections(Serverless(0.5, 1)));
        Assert.Equal(756, DatabaseConnections.MaxConnections(Serverless(0.5, 4)));
        Assert.Equal(2000, DatabaseConnections.MaxConnections(Serverless(0.5, 64)));
        Assert.Equal(5000, DatabaseConnections.MaxConnections(Serverless(1, 64)));
        Assert.InRange(DatabaseConnections.MaxConnections(Provisioned("t4g.medium")), 350, 405);
        Assert.InRange(DatabaseConnections.MaxConnections(Provisioned("r6g.large")), 1400, 1705);
        Assert.Throws<DeploymentRefusedException>(() => DatabaseConnections.MaxConnections(Provisioned("z9.huge")));
        Assert.Equal(120, DatabaseConnections.MaxConnections(Provisioned("z9.huge") with { DatabaseMaxConnections = 120 }));
    }

    /// <summary>
    /// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#runtime-platform: a
    /// task runs only an image of the architecture it names. One constant sets both, and the tag carries it.
    /// </summary>
    [Fact]
    public async Task Images_are_built_for_the_architecture_the_tasks_run_on()
    {
        var synthesis = DocumentedDeployments.Get(DocumentedDeployments.Defaults);
        var definition = Assert.Single(synthesis.Resources("todo-api", "AWS::ECS::TaskDefinition").Values)["Properties"]!;

        var (exitCode, printed) = await ExternalCommand.RunAsync("dotnet",
            ["run", "--no-build", "--project", "Todo.Aws", "-c", Repository.BuildConfiguration, "--", "image", "todo-api"],
            TimeSpan.FromMinutes(2), Repository.Root, standardOutputOnly: true);

        Assert.Equal("ARM64", definition["RuntimePlatform"]!["CpuArchitecture"]!.GetValue<string>());
        Assert.Equal(0, exitCode);
        var (project, tag, runtime, region, repository) = printed.Trim().Split(' ') is [var a, var b, var c, var d, var e] ? (a, b, c, d, e) : default;
        Assert.EndsWith("Todo.Api.csproj", project);
        Assert.Matches("^sha-[0-9a-f]{20}-arm64$", tag);
        Assert.Equal(ImageArchitecture.RuntimeIdentifier, runtime);
        Assert.Equal("linux-arm64", runtime);
        Assert.Equal("us-east-1", region);
        Assert.Equal("todo/todo-api", repository);
        Assert.Contains($":{tag}", definition["ContainerDefinitions"]![0]!["Image"]!.ToJsonString());
    }

    /// <summary>
    /// https://repost.aws/knowledge-center/cdk-already-exists-error and the EmptyOnDelete property of
    /// AWS::ECR::Repository: a retained repository of a fixed name makes the next deploy fail with "already exists".
    /// </summary>
    [Theory]
    [MemberData(nameof(DocumentedDeployments.Names), MemberType = typeof(DocumentedDeployments))]
    public void A_destroyed_repository_goes_with_its_images_so_the_next_deploy_can_create_it(string deployment)
    {
        var repositories = DocumentedDeployments.Get(deployment).Resources("todo-images", "AWS::ECR::Repository").Values.ToList();

        Assert.NotEmpty(repositories);
        Assert.All(repositories, repository =>
        {
            Assert.Equal("Delete", repository["DeletionPolicy"]!.GetValue<string>());
            Assert.True(repository["Properties"]!["EmptyOnDelete"]!.GetValue<bool>());
        });
    }

    /// <summary>
    /// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html: a task reads each
    /// field straight from the secret rotation updates. A secret composed from others by CloudFormation never follows.
    /// </summary>
    [Theory]
    [MemberData(nameof(DocumentedDeployments.Names), MemberType = typeof(DocumentedDeployments))]
    public void Tasks_read_credentials_field_by_field_from_the_generated_secrets_and_nothing_is_composed(string deployment)
    {
        var synthesis = DocumentedDeployments.Get(deployment);

        var composed = synthesis.Json.Keys.SelectMany(stack => synthesis.Resources(stack, "AWS::SecretsManager::Secret"))
            .Where(secret => secret.Value["Properties"]!["SecretString"] is not null).Select(secret => secret.Key);
        var secrets = Container(synthesis)["Secrets"]!.AsArray()
            .ToDictionary(secret => secret!["Name"]!.GetValue<string>(), secret => secret!["ValueFrom"]!.ToJsonString());

        Assert.Empty(composed);
        Assert.Equal(
            ["ConnectionStrings__cache__password", "ConnectionStrings__todos__Host", "ConnectionStrings__todos__Password",
                "ConnectionStrings__todos__Port", "ConnectionStrings__todos__Username"],
            secrets.Keys.Order(StringComparer.Ordinal));
        Assert.EndsWith(":password::\"]]}", secrets["ConnectionStrings__todos__Password"]);
        Assert.EndsWith(":host::\"]]}", secrets["ConnectionStrings__todos__Host"]);
        Assert.DoesNotMatch(":[a-z]+::", secrets["ConnectionStrings__cache__password"]);
        Assert.DoesNotContain("Password", Environment(synthesis)["ConnectionStrings__todos"]);
    }

    /// <summary>
    /// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.VersionPolicy.Versioning.html: a major version
    /// alone gets that major's default minor version, which Aurora keeps creatable; a pinned minor leaves the list.
    /// </summary>
    [Fact]
    public void Aurora_takes_the_default_minor_version_of_postgresql_16_unless_one_is_chosen()
    {
        string VersionOf(string deployment) => Assert.Single(DocumentedDeployments.Get(deployment).Resources("todo-postgres", "AWS::RDS::DBCluster").Values)
            ["Properties"]!["EngineVersion"]!.GetValue<string>();

        Assert.Equal("16", VersionOf(DocumentedDeployments.Defaults));
        Assert.Equal("16.6", VersionOf("database-capacity-and-version"));
    }

    [Theory]
    [InlineData("""{ "availabilityZones": ["us-east-1a", "us-east-1b"] }""", "region is required")]
    [InlineData("""{ "region": "us-east-1" }""", "availabilityZones is required")]
    [InlineData("""{ "region": "us-west-1", "availabilityZones": ["us-west-1a", "us-east-1b"] }""", "'us-east-1b' is not a zone of region 'us-west-1'")]
    [InlineData("""{ "region": "us-east-1", "availabilityZones": ["us-east-1a"] }""", "at least two different zones")]
    [InlineData("""{ "region": "us-east-1", "availabilityZones": ["us-east-1a", "us-east-1b"], "cpu": 512, "memoryMiB": 512 }""", "no task of 512 CPU units and 512 MiB")]
    [InlineData("""{ "region": "us-east-1", "availabilityZones": ["us-east-1a", "us-east-1b"], "certificateArn": "arn:aws:acm:eu-west-1:1:certificate/x" }""", "an ACM certificate in us-east-1")]
    [InlineData("""{ "region": "us-east-1", "availabilityZones": ["us-east-1a", "us-east-1b"], "databaseMaxCapacity": 4.2 }""", "steps of 0.5 ACU")]
    [InlineData("""{ "region": "us-east-1", "availabilityZones": ["us-east-1a", "us-east-1b"], "databaseEngineVersion": "latest" }""", "databaseEngineVersion")]
    public void Synthesis_refuses_what_it_cannot_know_or_aws_would_refuse(string context, string message)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, $$"""{ "context": {{context}} }""");

            var refusal = Assert.Throws<DeploymentRefusedException>(() => TodoAwsOptions.FromCdkJson(file));

            Assert.Contains(message, refusal.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static TodoAwsOptions Options(string deployment)
    {
        var file = Path.GetTempFileName();
        try
        {
            var context = TodoAwsOptions.CdkJsonContext(Path.Combine(Repository.Root, "cdk.json"));
            foreach (var (key, value) in DocumentedDeployments.Contexts[deployment])
            {
                context[key] = value;
            }
            File.WriteAllText(file, new JsonObject { ["context"] = System.Text.Json.JsonSerializer.SerializeToNode(context) }.ToJsonString());
            return TodoAwsOptions.FromCdkJson(file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static (List<JsonNode> Groups, Dictionary<string, JsonNode> Users) CacheUsers(AwsSynthesis synthesis) =>
        (synthesis.Resources("todo-cache", "AWS::ElastiCache::UserGroup").Values.Select(group => group["Properties"]!).ToList(),
            synthesis.Resources("todo-cache", "AWS::ElastiCache::User").Values.Select(user => user["Properties"]!)
                .ToDictionary(user => user["UserId"]!.GetValue<string>()));

    private static JsonNode Container(AwsSynthesis synthesis) =>
        Assert.Single(synthesis.Resources("todo-api", "AWS::ECS::TaskDefinition").Values)["Properties"]!["ContainerDefinitions"]![0]!;

    private static Dictionary<string, string> Environment(AwsSynthesis synthesis) => TemplateText.Environment(Container(synthesis));

    [GeneratedRegex("Maximum Pool Size=(?<size>[0-9]+)")]
    private static partial Regex PoolSize();
}
