using Aspire.Hosting;
using Todo.AppHost;
using Todo.AppHost.LocalServices;

namespace Todo.Tests.AppHost;

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

    [Fact]
    public void Auto_chooses_processes_when_no_container_runtime_answers_and_containers_when_one_does()
    {
        var builder = DistributedApplication.CreateBuilder([$"--{TodoInfrastructure.LocalServicesKey}=auto"]);

        var expected = ContainerRuntimeProbe.AnyRuntimeIsHealthy() ? LocalServicesMode.Containers : LocalServicesMode.Processes;
        Assert.Equal(expected, builder.ResolveLocalServicesMode());
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
