namespace Todo.Hosting.LocalServices;

/// <summary>Finds out whether a container runtime answers, which is how <c>auto</c> chooses the local-services mode.</summary>
public static class ContainerRuntimeProbe
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(3);

    public static bool AnyRuntimeIsHealthy() =>
        new[] { "docker", "podman" }.Any(runtime =>
            SystemPrograms.Find(runtime, SystemPrograms.SearchPath) is { } program && ExternalCommand.Succeeds(program, ["info"], s_timeout));
}
