using System.Security.Cryptography;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Todo.AppHost;
using Todo.Hosting.LocalServices;

namespace Todo.Testing;

/// <summary>
/// Runs resources of the real AppHost model for tests: the same PostgreSQL and Redis that
/// <c>dotnet run --project Todo.AppHost</c> starts (containers or local processes), each set in a throwaway data directory.
/// </summary>
public sealed class TodoServers : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly DistributedApplication _app;
    private readonly DirectoryInfo _dataDirectory;

    private TodoServers(DistributedApplication app, DirectoryInfo dataDirectory)
    {
        _app = app;
        _dataDirectory = dataDirectory;
    }

    public DistributedApplication App => _app;

    public DirectoryInfo DataDirectory => _dataDirectory;

    /// <summary>Starts the AppHost model in a new data directory, keeping only <paramref name="resources"/> (all when empty).</summary>
    public static Task<TodoServers> StartAsync(params string[] resources) =>
        StartAsync(Directory.CreateTempSubdirectory("todo-tests-"), resources);

    /// <summary>Like <see cref="StartAsync(string[])"/>, with PostgreSQL and Redis as local processes whatever container runtime the machine has.</summary>
    public static Task<TodoServers> StartProcessesAsync(params string[] resources) =>
        StartAsync(Directory.CreateTempSubdirectory("todo-tests-"), resources, [$"--{TodoInfrastructure.LocalServicesKey}=processes"]);

    /// <summary>Starts the AppHost model again, with new passwords, on the data a previous run left in <paramref name="dataDirectory"/>.</summary>
    public static Task<TodoServers> RestartAsync(DirectoryInfo dataDirectory) =>
        StartAsync(dataDirectory, []);

    /// <summary>
    /// The whole model with its API as a developer's machine runs it: <paramref name="apiEnvironment"/> in place of the
    /// settings that accept the test tokens, so the API accepts only what its own configuration and user secrets say.
    /// </summary>
    public static Task<TodoServers> StartWithApiEnvironmentAsync(IReadOnlyDictionary<string, string> apiEnvironment) =>
        StartAsync(Directory.CreateTempSubdirectory("todo-tests-"), [], apiEnvironment: apiEnvironment);

    private static async Task<TodoServers> StartAsync(DirectoryInfo dataDirectory, string[] resources, string[]? arguments = null,
        IReadOnlyDictionary<string, string>? apiEnvironment = null)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        // Fresh passwords each start: the developer's user secrets stay untouched, and a restart proves the
        // cluster follows a changed password.
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Todo_AppHost>(
            [
                $"--{LocalDataDirectory.ConfigurationKey}={dataDirectory.FullName}",
                // In container mode, a volume of this run's own: never the developer's data, never another run's cluster.
                $"--{TodoInfrastructure.PostgresVolumeKey}={VolumeOf(dataDirectory)}",
                $"--Parameters:postgres-password={RandomNumberGenerator.GetHexString(24)}",
                $"--Parameters:cache-password={RandomNumberGenerator.GetHexString(24)}",
                .. arguments ?? [],
            ], timeout.Token);

        var unwanted = builder.Resources
            .Where(resource => resource is not ParameterResource && resources.Length > 0 && !resources.Contains(resource.Name))
            .ToList();
        unwanted.ForEach(resource => builder.Resources.Remove(resource));
        // The model's API accepts this run's test tokens; these settings take the place of any the developer's secrets hold.
        foreach (var api in builder.Resources.OfType<ProjectResource>().ToList())
        {
            var project = builder.CreateResourceBuilder(api);
            foreach (var (key, value) in apiEnvironment ?? TestTokens.Shared.ApiSettings)
            {
                project.WithEnvironment(ApiProcess.EnvironmentVariable(key), value);
            }
        }

        var app = await builder.BuildAsync(timeout.Token);
        try
        {
            await app.StartAsync(timeout.Token);
            // Servers and projects; not the helpers Aspire adds beside them (a project's rebuilder, say).
            foreach (var resource in builder.Resources.Where(resource => resource is IResourceWithConnectionString or ProjectResource))
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(resource.Name, timeout.Token);
            }
            return new TodoServers(app, dataDirectory);
        }
        catch
        {
            // A start that failed leaves no server running behind the test.
            await new TodoServers(app, dataDirectory).DisposeAsync();
            throw;
        }
    }

    private static string VolumeOf(DirectoryInfo dataDirectory) => $"todo-tests-{dataDirectory.Name.ToLowerInvariant()}";

    /// <summary>A client of the model's API with a token of <see cref="TestTokens.DefaultUser"/>.</summary>
    public HttpClient ApiClient()
    {
        var client = _app.CreateHttpClient("todo-api");
        client.DefaultRequestHeaders.Authorization = TestTokens.Shared.Header(TestTokens.DefaultUser);
        return client;
    }

    public async Task<string> ConnectionStringAsync(string resource) =>
        await _app.GetConnectionStringAsync(resource) ?? throw new InvalidOperationException($"'{resource}' has no connection string.");

    /// <summary>
    /// The built API as a process of its own on these servers' <c>todos</c> and <c>cache</c>, with <paramref name="settings"/>
    /// besides (which may name other connection strings).
    /// </summary>
    public async Task<ApiProcess> StartApiProcessAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var all = new Dictionary<string, string>
        {
            ["ConnectionStrings:todos"] = await ConnectionStringAsync("todos"),
            ["ConnectionStrings:cache"] = await ConnectionStringAsync("cache"),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }
        return await ApiProcess.StartAsync(ApiProcess.BuiltApi, all);
    }

    public Task StopAsync(string resource) => RunCommandAsync(resource, KnownResourceCommands.StopCommand);

    /// <summary>Asks the orchestrator to start a stopped resource, without waiting for it to answer.</summary>
    public Task IssueStartAsync(string resource) => RunCommandAsync(resource, KnownResourceCommands.StartCommand);

    /// <summary>Starts a stopped resource and waits until its health checks pass.</summary>
    public async Task StartAgainAsync(string resource)
    {
        await IssueStartAsync(resource);
        using var timeout = new CancellationTokenSource(StartTimeout);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
    }

    private async Task RunCommandAsync(string resource, string command)
    {
        var result = await _app.Services.GetRequiredService<ResourceCommandService>()
            .ExecuteCommandAsync(resource, command).WaitAsync(StartTimeout);
        if (!result.Success)
        {
            throw new InvalidOperationException($"'{command}' on '{resource}' failed: {result.Message}");
        }
    }

    /// <summary>Stops every resource and keeps the data directory, for a <see cref="RestartAsync"/>.</summary>
    public async Task StopAllAsync()
    {
        await _app.StopAsync().WaitAsync(StartTimeout);
        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        var containers = _app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ContainerResource>().Any();
        try
        {
            await StopAllAsync();
        }
        finally
        {
            if (_dataDirectory.Exists)
            {
                _dataDirectory.Delete(recursive: true);
            }
            if (containers)
            {
                await ExternalCommand.RunAsync("docker", ["volume", "rm", "--force", VolumeOf(_dataDirectory)], TimeSpan.FromMinutes(1));
            }
        }
    }
}
