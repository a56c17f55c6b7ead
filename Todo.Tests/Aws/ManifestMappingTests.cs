using Amazon.CDK.Assertions;
using Todo.Aws;
using Todo.Aws.Manifest;
using Todo.Aws.Mappings;
using Todo.Tests.Infrastructure;
using Todo.Aws.Targets;

namespace Todo.Tests.Aws;

[Collection(AwsCollection.Name)]
[Trait("Category", "Aws")]
[Trait("Category", "Slow")]
public sealed class ManifestMappingTests
{
    [Fact]
    public void A_second_project_in_the_manifest_becomes_a_second_service_with_its_own_access()
    {
        var manifest = AwsSynthesis.ManifestWith("""
            {
              "todo-worker": {
                "type": "project.v0",
                "path": "Todo.Api/Todo.Api.csproj",
                "env": {
                  "HTTP_PORTS": "{todo-worker.bindings.http.targetPort}",
                  "ConnectionStrings__todos": "{todos.connectionString}",
                  "Api__BaseUrl": "{todo-api.bindings.http.url}"
                },
                "bindings": { "http": { "scheme": "http", "protocol": "tcp", "transport": "http" } }
              }
            }
            """);

        var synthesis = AwsSynthesis.Of(manifest, DocumentedDeployments.DefaultContext());

        var worker = synthesis["todo-worker"];
        worker.ResourceCountIs("AWS::ECS::Service", 1);
        worker.HasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", new Dictionary<string, object> { ["Scheme"] = "internal" });
        synthesis["todo-images"].ResourceCountIs("AWS::ECR::Repository", 2);
        var container = Assert.Single(synthesis.Resources("todo-worker", "AWS::ECS::TaskDefinition").Values)["Properties"]!["ContainerDefinitions"]![0]!;
        var environment = container["Environment"]!.AsArray().ToDictionary(variable => variable!["Name"]!.GetValue<string>(), variable => variable!["Value"]!.ToJsonString());
        Assert.Contains("http://", environment["Api__BaseUrl"]);
        Assert.Contains("todo-api", environment["Api__BaseUrl"]);
        Assert.Equal(["ConnectionStrings__todos__Host", "ConnectionStrings__todos__Password", "ConnectionStrings__todos__Port", "ConnectionStrings__todos__Username"],
            container["Secrets"]!.AsArray().Select(secret => secret!["Name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var sharedPool = $"Maximum Pool Size={DatabaseConnections.PoolSizePerTask(TodoAwsOptions.FromCdkJson(Path.Combine(Repository.Root, "cdk.json")), services: 2)}";
        Assert.Contains(sharedPool, environment["ConnectionStrings__todos"]);
        var ports = synthesis.Resources("todo-worker", "AWS::EC2::SecurityGroupIngress").Values
            .Where(rule => rule["Properties"]!["GroupId"]!.ToJsonString().Contains("ImportValue", StringComparison.Ordinal))
            .Select(rule => rule["Properties"]!["FromPort"]!.GetValue<int>()).Order();
        Assert.Equal([80, 5432], ports);
    }

    [Theory]
    [InlineData("""{ "queue": { "type": "container.v0", "image": "docker.io/library/rabbitmq:4.1" } }""", "queue", "container.v0")]
    [InlineData("""{ "jobs": { "type": "executable.v0", "command": "python3" } }""", "jobs", "executable.v0")]
    [InlineData("""{ "frontend": { "type": "dockerfile.v0", "path": "web/Dockerfile", "context": "web" } }""", "frontend", "dockerfile.v0")]
    public void A_resource_kind_without_an_aws_mapping_fails_synthesis_naming_it(string resources, string name, string type)
    {
        var manifest = AwsSynthesis.ManifestWith(resources);

        var error = Assert.Throws<DeploymentRefusedException>(() => AwsSynthesis.Of(manifest, DocumentedDeployments.DefaultContext()));

        Assert.Contains($"'{name}'", error.Message);
        Assert.Contains(type, error.Message);
    }

    [Fact]
    public void A_new_kind_of_resource_is_one_mapping_added_to_the_list()
    {
        var manifest = AwsSynthesis.ManifestWith("""
            {
              "mail": { "type": "container.v0", "image": "docker.io/axllent/mailpit:1.27" },
              "todo-api": {
                "type": "project.v0",
                "path": "Todo.Api/Todo.Api.csproj",
                "env": { "Smtp__Host": "{mail.bindings.smtp.host}" },
                "bindings": { "http": { "scheme": "http", "protocol": "tcp", "transport": "http", "external": true } }
              }
            }
            """);
        Assert.Contains("'mail'", Assert.Throws<DeploymentRefusedException>(() => AwsSynthesis.Of(manifest, DocumentedDeployments.DefaultContext())).Message);

        var synthesis = AwsSynthesis.Of(manifest, DocumentedDeployments.DefaultContext(), mappings: [new SesRelayMapping(), .. ResourceMappings.Default]);

        var container = Assert.Single(synthesis.Resources("todo-api", "AWS::ECS::TaskDefinition").Values)["Properties"]!["ContainerDefinitions"]![0]!;
        var smtpHost = Assert.Single(container["Environment"]!.AsArray(), variable => variable!["Name"]!.GetValue<string>() == "Smtp__Host")!;
        Assert.Equal(SesRelayMapping.Host, smtpHost["Value"]!.GetValue<string>());
        Assert.DoesNotContain(synthesis.Resources("todo-api", "AWS::EC2::SecurityGroupIngress").Values,
            rule => rule["Properties"]!["GroupId"]!.ToJsonString().Contains("ImportValue", StringComparison.Ordinal));
    }

    [Fact]
    public void A_uri_encoded_string_is_encoded_at_synthesis_and_a_secret_one_is_refused()
    {
        var encoded = AwsSynthesis.ManifestWith("""
            {
              "realm": { "type": "parameter.v0", "value": "{realm.inputs.value}", "inputs": { "value": { "type": "string", "default": { "value": "a b/c" } } } },
              "realm-uri": { "type": "annotated.string", "value": "{realm.value}", "filter": "uri" },
              "todo-api": {
                "type": "project.v0",
                "path": "Todo.Api/Todo.Api.csproj",
                "env": { "Realm": "https://id.example/{realm-uri.value}" },
                "bindings": { "http": { "scheme": "http", "protocol": "tcp", "transport": "http", "external": true } }
              }
            }
            """);

        var container = Assert.Single(AwsSynthesis.Of(encoded, DocumentedDeployments.DefaultContext()).Resources("todo-api", "AWS::ECS::TaskDefinition").Values)["Properties"]!["ContainerDefinitions"]![0]!;
        var realm = Assert.Single(container["Environment"]!.AsArray(), variable => variable!["Name"]!.GetValue<string>() == "Realm")!;
        Assert.Equal("https://id.example/a%20b%2Fc", realm["Value"]!.GetValue<string>());

        var secret = AwsSynthesis.ManifestWith("""
            { "password-uri": { "type": "annotated.string", "value": "{postgres-password.value}", "filter": "uri" },
              "todo-api": { "type": "project.v0", "path": "Todo.Api/Todo.Api.csproj", "env": { "P": "{password-uri.value}" }, "bindings": {} } }
            """);
        Assert.Contains("'password-uri'", Assert.Throws<DeploymentRefusedException>(() => AwsSynthesis.Of(secret, DocumentedDeployments.DefaultContext())).Message);
    }

    /// <summary>A kind the deployment does not know: a local mail catcher that becomes Amazon SES's SMTP endpoint.</summary>
    private sealed class SesRelayMapping : IResourceMapping
    {
        public const string Host = "email-smtp.us-east-1.amazonaws.com";

        public string Maps => "Relays to Amazon SES";

        public bool Matches(ManifestResource resource, AspireManifest manifest) => ContainerImage.Is(resource, "mailpit");

        public void Deploy(IReadOnlyList<ManifestResource> resources, DeploymentContext context)
        {
            foreach (var relay in resources)
            {
                context.Add(relay.Name, new Relay(relay.Name));
            }
        }

        private sealed class Relay(string name) : IAwsTarget
        {
            public ResolvedValue Resolve(string path) => path switch
            {
                "bindings.smtp.host" => ResolvedValue.Plain(Host),
                "bindings.smtp.port" => ResolvedValue.Plain("587"),
                _ => throw AwsTargets.UnknownPath(name, path),
            };
        }
    }

    [Fact]
    public void A_reference_to_something_the_resource_does_not_have_fails_synthesis_naming_it()
    {
        var manifest = AwsSynthesis.ManifestWith("""
            { "todo-api": { "type": "project.v0", "path": "Todo.Api/Todo.Api.csproj", "env": { "X": "{cache.bindings.tcp.nonsense}" }, "bindings": {} } }
            """);

        var error = Assert.Throws<DeploymentRefusedException>(() => AwsSynthesis.Of(manifest, DocumentedDeployments.DefaultContext()));

        Assert.Contains("{cache.bindings.tcp.nonsense}", error.Message);
    }

    [Fact]
    public void An_unknown_context_value_fails_with_the_allowed_ones()
    {
        var error = Assert.Throws<DeploymentRefusedException>(() =>
            AwsSynthesis.Of(AwsSynthesis.CommittedManifest(), new Dictionary<string, object> { ["cacheMode"] = "cluster" }));

        Assert.Contains("serverless, nodes", error.Message);
    }
}
