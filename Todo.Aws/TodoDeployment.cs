using Amazon.CDK;
using Amazon.CDK.AWS.SecretsManager;
using Todo.Aws.Images;
using Todo.Aws.Manifest;
using Todo.Aws.Stacks;

namespace Todo.Aws;

/// <summary>
/// Derives the AWS deployment from the Aspire manifest, resource by resource: a network, an Aurora cluster per
/// PostgreSQL server, ElastiCache per Redis, an ECR repository and a Fargate service per project. Nothing here names
/// a particular resource, so a project added to the AppHost becomes one more service without a change to this code.
/// </summary>
public sealed class TodoDeployment
{
    private readonly Dictionary<string, IAwsTarget> _targets = new(StringComparer.Ordinal);

    public TodoDeployment(App app, AspireManifest manifest, TodoAwsOptions options, Func<ManifestResource, string>? imageTagOf = null)
    {
        var kinds = ResourceKinds.Classify(manifest);
        var props = new StackProps { Env = new Amazon.CDK.Environment { Region = options.Region, Account = options.Account } };
        string StackId(string resource) => resource.StartsWith(options.AppName + "-", StringComparison.Ordinal) ? resource : $"{options.AppName}-{resource}";
        IEnumerable<ManifestResource> OfKind(ResourceKind kind) => manifest.Resources.Values.Where(resource => kinds[resource.Name] == kind);

        Network = new NetworkStack(app, StackId("network"), options, props);
        var resolver = new ReferenceResolver(_targets);

        IEnumerable<string> ReachedBy(ManifestResource project) => project.Environment.Values
            .SelectMany(value => Reached(value, manifest, kinds)).Where(name => name != project.Name).Distinct();
        var projects = InDependencyOrder(OfKind(ResourceKind.Project).ToList(), ReachedBy);

        foreach (var server in OfKind(ResourceKind.PostgresServer))
        {
            var databases = OfKind(ResourceKind.PostgresDatabase)
                .Select(resource => (resource.Name, Database: ResourceKinds.PostgresDatabaseOf(resource)!.Value))
                .Where(database => database.Database.Server == server.Name)
                .ToDictionary(database => database.Name, database => database.Database.Database);
            var clients = projects.Count(project => ReachedBy(project).Any(name => name == server.Name || databases.ContainsKey(name)));
            var stack = new DatabaseStack(app, StackId(server.Name), Network, server.Name, databases, clients, options, props);
            foreach (var (name, target) in stack.Targets)
            {
                _targets[name] = target;
            }
        }
        foreach (var cache in OfKind(ResourceKind.Redis))
        {
            _targets[cache.Name] = new CacheStack(app, StackId(cache.Name), Network, cache.Name, options, props);
        }

        Stack? parametersStack = null;
        ISecret GeneratedSecret(string name) => new Secret(parametersStack ??= new Stack(app, StackId("parameters"), props), name, new SecretProps
        {
            SecretName = $"{options.AppName}/parameters/{name}",
            GenerateSecretString = new SecretStringGenerator { ExcludePunctuation = true, PasswordLength = 32 },
        });
        foreach (var parameter in OfKind(ResourceKind.Parameter))
        {
            _targets[parameter.Name] = new ParameterTarget(parameter, GeneratedSecret);
        }
        foreach (var value in OfKind(ResourceKind.Value))
        {
            _targets[value.Name] = new ValueTarget(value, () => resolver);
        }
        foreach (var annotated in OfKind(ResourceKind.AnnotatedString))
        {
            _targets[annotated.Name] = new AnnotatedStringTarget(annotated, () => resolver);
        }

        Images = new ImagesStack(app, StackId("images"), projects.Select(project => project.Name), options, props);
        imageTagOf ??= project => options.ImageTag ?? ImageTag.ForProject(manifest.Directory, Path.Combine(manifest.Directory, project.Path!));
        foreach (var project in projects)
        {
            var service = new ServiceStack(app, StackId(project.Name), Network, Images, project, imageTagOf(project), resolver, options, props);
            _targets[project.Name] = service;
            foreach (var reached in ReachedBy(project))
            {
                if (_targets.TryGetValue(reached, out var target))
                {
                    target.AllowFrom(service.Tasks, service, project.Name);
                }
            }
            service.StartAfterIngressRules();
        }
    }

    public NetworkStack Network { get; }

    public ImagesStack Images { get; }

    /// <summary>Projects ordered so that each comes after the projects it reaches.</summary>
    private static List<ManifestResource> InDependencyOrder(List<ManifestResource> projects, Func<ManifestResource, IEnumerable<string>> reachedBy)
    {
        var byName = projects.ToDictionary(project => project.Name);
        var ordered = new List<ManifestResource>();
        var visiting = new HashSet<string>();
        void Visit(ManifestResource project)
        {
            if (ordered.Contains(project))
            {
                return;
            }
            if (!visiting.Add(project.Name))
            {
                throw new ManifestMappingException($"Projects reference each other in a cycle through '{project.Name}'.");
            }
            foreach (var dependency in reachedBy(project).Where(byName.ContainsKey))
            {
                Visit(byName[dependency]);
            }
            ordered.Add(project);
        }
        projects.ForEach(Visit);
        return ordered;
    }

    /// <summary>Every resource a value references, following values and annotated strings to what they reference.</summary>
    private static IEnumerable<string> Reached(string value, AspireManifest manifest, IReadOnlyDictionary<string, ResourceKind> kinds)
    {
        foreach (var reference in ManifestExpression.Parse(value).OfType<ManifestExpression.Reference>())
        {
            yield return reference.Resource;
            var resource = manifest[reference.Resource];
            var inner = kinds[resource.Name] switch
            {
                ResourceKind.Value or ResourceKind.PostgresDatabase => resource.ConnectionString,
                ResourceKind.AnnotatedString => resource.Value,
                _ => null,
            };
            foreach (var nested in inner is null ? [] : Reached(inner, manifest, kinds))
            {
                yield return nested;
            }
        }
    }
}
