using Aspire.Hosting;
using Todo.AppHost;
using Todo.AppHost.LocalServices;

namespace Todo.Tests.AppHost;

[Trait("Category", "AppHost")]
public sealed class LocalServicesTests
{
    [Theory]
    [InlineData("containers", LocalServicesMode.Containers)]
    [InlineData("Processes", LocalServicesMode.Processes)]
    public void An_explicit_mode_is_used_as_configured(string configured, LocalServicesMode expected)
    {
        var builder = DistributedApplication.CreateBuilder([$"--{TodoInfrastructure.LocalServicesKey}={configured}"]);

        Assert.Equal(expected, builder.ResolveLocalServicesMode());
    }

    /// <summary>
    /// <c>auto</c> asks <c>docker info</c> and <c>podman info</c>: stand-ins for both, first on the PATH, decide what the
    /// machine's runtimes would (one answers, neither does, one hangs past the probe's 3 s).
    /// </summary>
    [Theory]
    [InlineData("exit 1", "exit 0", LocalServicesMode.Containers)]
    [InlineData("exit 1", "exit 1", LocalServicesMode.Processes)]
    [InlineData("sleep 30", "exit 1", LocalServicesMode.Processes)]
    public void Auto_chooses_containers_only_when_a_container_runtime_answers(string docker, string podman, LocalServicesMode expected)
    {
        var runtimes = Directory.CreateTempSubdirectory("todo-runtimes-");
        var path = Environment.GetEnvironmentVariable("PATH");
        try
        {
            foreach (var (name, script) in new[] { ("docker", docker), ("podman", podman) })
            {
                var file = Path.Combine(runtimes.FullName, name);
                File.WriteAllText(file, $"#!/bin/sh\n{script}\n");
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserExecute);
                }
            }
            Environment.SetEnvironmentVariable("PATH", $"{runtimes.FullName}:{path}");
            var builder = DistributedApplication.CreateBuilder([$"--{TodoInfrastructure.LocalServicesKey}=auto"]);

            Assert.Equal(expected, builder.ResolveLocalServicesMode());
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
            runtimes.Delete(recursive: true);
        }
    }

    [Fact]
    public void Publishing_always_uses_containers()
    {
        var builder = DistributedApplication.CreateBuilder(["--publisher", "manifest", "--output-path", Path.GetTempFileName(),
            $"--{TodoInfrastructure.LocalServicesKey}=processes"]);

        Assert.Equal(LocalServicesMode.Containers, builder.ResolveLocalServicesMode());
    }

    [Fact]
    public void An_unknown_mode_stops_the_start_with_the_allowed_values()
    {
        var builder = DistributedApplication.CreateBuilder([$"--{TodoInfrastructure.LocalServicesKey}=kubernetes"]);

        var error = Assert.Throws<DistributedApplicationException>(() => builder.ResolveLocalServicesMode());
        Assert.Contains("auto, containers or processes", error.Message);
    }

    [Fact]
    public void Missing_servers_stop_the_start_with_the_packages_to_install()
    {
        var empty = Directory.CreateTempSubdirectory("todo-no-binaries-");
        try
        {
            var error = Assert.Throws<MissingLocalBinariesException>(() => LocalBinaries.Find(empty.FullName, empty.FullName));

            Assert.Equal(["postgresql", "redis-server"], error.Packages);
            Assert.Contains("apt-get install -y postgresql redis-server", error.Message);
        }
        finally
        {
            empty.Delete();
        }
    }

    [Fact]
    public void Installed_servers_are_found()
    {
        var binaries = LocalBinaries.Find();

        Assert.True(File.Exists(binaries.Postgres));
        Assert.True(File.Exists(binaries.InitDb));
        Assert.True(File.Exists(binaries.RedisServer));
    }
}
