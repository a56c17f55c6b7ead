using Amazon.CDK.AWS.ECS;

namespace Todo.Aws.Constructs;

/// <summary>
/// A container that may write only to <c>/tmp</c>, a volume of the task's own storage (the .NET runtime puts its
/// diagnostics socket there). ASP.NET Core's data protection keys then stay in memory, which nothing here persists.
/// </summary>
public static class ReadOnlyRootFilesystem
{
    private const string Scratch = "tmp";

    public static void Apply(TaskDefinition task, ContainerDefinition container)
    {
        var containers = task.Node.Children.OfType<ContainerDefinition>().ToList();
        if (containers.Count(other => other.MountPoints.Any(mount => mount.SourceVolume == Scratch)) == 0)
        {
            task.AddVolume(new Volume { Name = Scratch });
        }
        container.AddMountPoints(new MountPoint { ContainerPath = "/tmp", SourceVolume = Scratch, ReadOnly = false });
        ((CfnTaskDefinition)task.Node.DefaultChild!).AddPropertyOverride($"ContainerDefinitions.{containers.IndexOf(container)}.ReadonlyRootFilesystem", true);
    }
}
