using Todo.Aws.Images;
using Todo.Aws.Manifest;
using Todo.Aws.Stacks;

namespace Todo.Aws.Mappings;

/// <summary>
/// Projects as ECS Fargate services, with one ECR repository each. A service may reach every target deployed before
/// it, and each is let in through the security group of what it reaches before its tasks start.
/// </summary>
public sealed class FargateServiceMapping : IResourceMapping
{
    public string Maps => "projects";

    public bool Matches(ManifestResource resource, AspireManifest manifest) => resource.Type is "project.v0" or "project.v1";

    public void Deploy(IReadOnlyList<ManifestResource> resources, DeploymentContext context)
    {
        var projects = InDependencyOrder(resources, context.ReachedBy);
        var images = new ImagesStack(context.App, context.StackId("images"), projects.Select(project => project.Name), context.Options, context.Props);
        foreach (var project in projects)
        {
            var imageTag = context.Options.ImageTag
                ?? ImageTag.ForProject(context.Manifest.Directory, Path.Combine(context.Manifest.Directory, project.Path!));
            var dependencyAlarms = context.ReachedBy(project)
                .SelectMany(reached => context.Targets.TryGetValue(reached, out var target) ? target.Alarms : [])
                .Distinct()
                .ToList();
            var service = new ServiceStack(context.App, context.StackId(project.Name), context.Network, images, project, imageTag,
                context.Resolver, dependencyAlarms, context.Options, context.Props);
            context.Add(project.Name, service);
            foreach (var reached in context.ReachedBy(project))
            {
                if (context.Targets.TryGetValue(reached, out var target))
                {
                    target.AllowFrom(service.Tasks, service, project.Name);
                }
            }
            service.StartAfterIngressRules();
        }
    }

    /// <summary>Projects ordered so that each comes after the projects it reaches.</summary>
    private static List<ManifestResource> InDependencyOrder(IReadOnlyList<ManifestResource> projects, Func<ManifestResource, IEnumerable<string>> reachedBy)
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
                throw new DeploymentRefusedException($"Projects reference each other in a cycle through '{project.Name}'.");
            }
            foreach (var dependency in reachedBy(project).Where(byName.ContainsKey))
            {
                Visit(byName[dependency]);
            }
            ordered.Add(project);
        }
        foreach (var project in projects)
        {
            Visit(project);
        }
        return ordered;
    }
}
