using Aspire.Hosting.ApplicationModel;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Resilience;

/// <summary>
/// PostgreSQL and Redis, as local processes, for the tests that freeze, stop and restart them: started once for all of
/// those tests, each of which leaves both answering again. Local processes whatever container runtime the machine has,
/// so a freeze stops them with signals the tests can check process by process.
/// </summary>
public sealed class FaultServers : IAsyncLifetime
{
    private ApiProcess? _api;

    public TodoServers Servers { get; private set; } = null!;

    public string TodosConnectionString { get; private set; } = "";

    public string CacheConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Servers = await TodoServers.StartProcessesAsync("postgres", "todos", "cache");
        TodosConnectionString = await Servers.ConnectionStringAsync("todos");
        CacheConnectionString = await Servers.ConnectionStringAsync("cache");
    }

    /// <summary>
    /// Starts again whichever server a test before left stopped (one that failed midway): a fault test then fails for
    /// its own reason, not for the one before it.
    /// </summary>
    public async Task EnsureRunningAsync()
    {
        foreach (var resource in new[] { "postgres", "cache" })
        {
            if (!Servers.App.ResourceNotifications.TryGetCurrentState(resource, out var state)
                || state.Snapshot.State?.Text != KnownResourceStates.Running)
            {
                await Servers.StartAgainAsync(resource);
            }
        }
    }

    /// <summary>One API process on these servers with the API's own timeouts, started when first asked for, its log one timestamped line per event.</summary>
    public async Task<ApiProcess> SharedApiAsync() => _api ??= await Servers.StartApiProcessAsync(new Dictionary<string, string>
    {
        ["Logging:Console:FormatterName"] = "simple",
        ["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss.fff ",
        ["Logging:Console:FormatterOptions:SingleLine"] = "true",
    });

    public async Task DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
        await Servers.DisposeAsync();
    }
}

/// <summary>
/// The fault tests run one at a time and alone, after every other group: their bounds are about the API's own waits,
/// never about a neighbour's load.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultCollection : ICollectionFixture<FaultServers>
{
    public const string Name = "Faults";
}
