namespace Todo.Hosting.LocalServices;

/// <summary>How the AppHost runs PostgreSQL and Redis on a developer's machine.</summary>
public enum LocalServicesMode
{
    /// <summary>Containers when a container runtime answers, local processes otherwise.</summary>
    Auto,

    /// <summary>Always containers (Docker or Podman).</summary>
    Containers,

    /// <summary>Always the PostgreSQL and Redis binaries installed on the machine.</summary>
    Processes,
}
