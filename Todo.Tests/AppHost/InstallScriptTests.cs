using Todo.Hosting.LocalServices;

namespace Todo.Tests.AppHost;

/// <summary>
/// eng/install-local-servers.sh, which <c>./run.sh</c> and <c>./test.sh</c> run first, on a machine that is not
/// Debian: no <c>timeout</c> (macOS ships none), no <c>apt-get</c>, no Redis on <c>PATH</c>. The script runs with a
/// <c>PATH</c> of this test's own, holding only the tools it needs and, where a case says so, a Docker that answers.
/// </summary>
[Trait("Category", "AppHost")]
public sealed class InstallScriptTests
{
    private static readonly string s_script = Path.Combine(Repository.Root, "eng", "install-local-servers.sh");

    [Fact]
    public async Task With_a_container_runtime_that_answers_it_installs_nothing_even_without_timeout()
    {
        var (exitCode, output) = await RunAsync(dockerAnswers: true);

        Assert.True(exitCode == 0, output);
        Assert.Equal("", output.Trim());
    }

    [Fact]
    public async Task Without_a_container_runtime_or_apt_it_names_what_to_install_and_stops()
    {
        var (exitCode, output) = await RunAsync(dockerAnswers: false);

        Assert.Equal(1, exitCode);
        Assert.Contains("redis-server", output);
        Assert.Contains("brew install", output);
        Assert.Contains("Docker", output);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(bool dockerAnswers)
    {
        var bin = Directory.CreateTempSubdirectory("todo-path-");
        try
        {
            foreach (var tool in new[] { "seq", "sleep", "dirname" })
            {
                File.CreateSymbolicLink(Path.Combine(bin.FullName, tool), Which(tool));
            }
            if (dockerAnswers && !OperatingSystem.IsWindows())
            {
                var docker = Path.Combine(bin.FullName, "docker");
                await File.WriteAllTextAsync(docker, "#!/bin/bash\nexit 0\n");
                File.SetUnixFileMode(docker, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            }
            return await ExternalCommand.RunAsync(Which("bash"), [s_script], TimeSpan.FromMinutes(1), Repository.Root,
                new Dictionary<string, string?> { ["PATH"] = bin.FullName, ["Todo__LocalServices"] = null });
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    private static string Which(string tool) =>
        new[] { "/usr/bin", "/bin", "/usr/local/bin" }.Select(directory => Path.Combine(directory, tool)).First(File.Exists);
}
