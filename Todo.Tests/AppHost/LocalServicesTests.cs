using System.Runtime.Versioning;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Configuration;
using Todo.AppHost;
using Todo.Hosting.LocalServices;

namespace Todo.Tests.AppHost;

[Trait("Category", "AppHost")]
[SupportedOSPlatform("linux")]
[Trait("Category", "Slow")]
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

    /// <summary>A <c>redis-server</c> planted in a directory named relatively on the PATH is never the one found.</summary>
    [Fact]
    public void Programs_are_found_only_in_absolute_path_directories()
    {
        var planted = Directory.CreateDirectory(Path.Combine(Directory.GetCurrentDirectory(), $"todo-planted-{Guid.NewGuid():N}"));
        try
        {
            var program = Path.Combine(planted.FullName, "redis-server");
            File.WriteAllText(program, "#!/bin/sh\n");
            File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserExecute);

            Assert.Null(SystemPrograms.Find("redis-server", $"{planted.Name}:.:"));
            Assert.Equal(program, SystemPrograms.Find("redis-server", planted.FullName));
        }
        finally
        {
            planted.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_default_data_directory_is_absolute_or_the_start_stops()
    {
        var none = new ConfigurationBuilder().Build();

        Assert.Equal("/home/ada/.local/share/todo", LocalDataDirectory.Resolve(none, isRoot: false, name => name == "HOME" ? "/home/ada" : null));
        Assert.Equal("/data/todo", LocalDataDirectory.Resolve(none, isRoot: false, name => name == "XDG_DATA_HOME" ? "/data" : "/home/ada"));
        Assert.Equal("/home/ada/.local/share/todo", LocalDataDirectory.Resolve(none, isRoot: false, name => name == "XDG_DATA_HOME" ? "share" : "/home/ada"));
        Assert.Equal("/var/lib/todo", LocalDataDirectory.Resolve(none, isRoot: true, _ => null));
        Assert.Throws<InvalidOperationException>(() => LocalDataDirectory.Resolve(none, isRoot: false, _ => null));
        Assert.Throws<InvalidOperationException>(() => LocalDataDirectory.Resolve(none, isRoot: false, _ => "home"));
    }

    /// <summary>
    /// A data directory that another account made, that others can write to, or that is a symbolic link is refused before
    /// any server starts (it could hold a configuration of someone else's choosing); the model is never built.
    /// </summary>
    [Theory]
    [InlineData("another account's")]
    [InlineData("writable by others")]
    [InlineData("a symbolic link")]
    public async Task A_data_directory_that_cannot_be_trusted_is_refused(string kind)
    {
        var root = Directory.CreateTempSubdirectory("todo-untrusted-");
        try
        {
            var dataDirectory = kind switch
            {
                // Root can give a directory away; anyone else finds one that root owns.
                "another account's" when ServerAccount.CurrentIsRoot => GiveAway(Directory.CreateDirectory(Path.Combine(root.FullName, "data")).FullName),
                "another account's" => "/usr",
                _ => root.FullName,
            };
            if (kind == "writable by others")
            {
                File.SetUnixFileMode(Directory.CreateDirectory(Path.Combine(root.FullName, "redis")).FullName, (UnixFileMode)Convert.ToInt32("777", 8));
            }
            if (kind == "a symbolic link")
            {
                Directory.CreateSymbolicLink(Path.Combine(root.FullName, "redis"), Directory.CreateDirectory(Path.Combine(root.FullName, "elsewhere")).FullName);
            }

            var refused = await Assert.ThrowsAnyAsync<Exception>(() => DistributedApplicationTestingBuilder.CreateAsync<Projects.Todo_AppHost>(
                [$"--{TodoInfrastructure.LocalServicesKey}=processes", $"--{LocalDataDirectory.ConfigurationKey}={dataDirectory}"]));

            Assert.Contains("refusing", refused.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void Redis_configuration_values_are_quoted_byte_by_byte()
    {
        Assert.Equal("\"/var/lib/todo/redis.sock\"", RedisProcessBuilderExtensions.Quote("/var/lib/todo/redis.sock"));
        Assert.Equal("\"a\\x22b\\x20c\\x0a\\x5cd\\xc3\\xa9\"", RedisProcessBuilderExtensions.Quote("a\"b c\n\\d\u00e9"));
    }

    private static string GiveAway(string directory)
    {
        var nobody = ExternalCommand.Run(SystemPrograms.Require("chown"), ["nobody", directory], TimeSpan.FromSeconds(10));
        Assert.Equal(0, nobody.ExitCode);
        return directory;
    }
}
