using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Todo.Tests.Infrastructure;
using Xunit.Abstractions;
using Todo.Hosting.LocalServices;

namespace Todo.Tests.Resilience;

/// <summary>Starting while PostgreSQL is away: the API says once what it waits for, keeps trying for a bounded time, then stops cleanly.</summary>
[Collection(FaultCollection.Name)]
[Trait("Category", "Resilience")]
[Trait("Category", "Slow")]
public sealed class StartupTests(FaultServers faults, ITestOutputHelper output)
{
    /// <summary>What the API logs once each start while PostgreSQL is away (TodoDatabaseExtensions).</summary>
    private const string WaitingForPostgres = "Waiting for PostgreSQL at";

    [Fact]
    public async Task Started_while_postgres_refuses_it_names_what_it_waits_for_once_and_exits_non_zero_after_the_startup_timeout()
    {
        using var postgres = new RefusedPort();
        using var redis = new RefusedPort();
        var postgresPort = postgres.Port;
        const string password = "not-a-real-password-4f2b";
        var clock = Stopwatch.StartNew();

        var (exitCode, printed) = await ExternalCommand.RunAsync("dotnet", [ApiProcess.BuiltApi], TimeSpan.FromMinutes(1), Repository.Root,
            new Dictionary<string, string?>(TestTokens.Shared.ApiSettings.Select(setting => KeyValuePair.Create(ApiProcess.EnvironmentVariable(setting.Key), (string?)setting.Value)))
            {
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["ConnectionStrings__todos"] = $"Host=127.0.0.1;Port={postgresPort};Database=todos;Username=postgres;Password={password}",
                ["ConnectionStrings__cache"] = $"127.0.0.1:{redis.Port}",
                ["Database__StartupTimeout"] = "00:00:03",
            });
        var elapsed = clock.Elapsed;

        output.WriteLine($"Exited {exitCode} after {elapsed.TotalSeconds:N1} s:{Environment.NewLine}{printed}");
        Assert.NotEqual(0, exitCode);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30));
        Assert.Single(printed.Split('\n'), line => line.Contains($"{WaitingForPostgres} 127.0.0.1:{postgresPort} (database todos) for up to 3 s", StringComparison.Ordinal));
        Assert.Contains($"PostgreSQL at 127.0.0.1:{postgresPort} did not answer within 3 s", printed);
        Assert.DoesNotContain("Unhandled exception", printed);
        Assert.DoesNotContain(password, printed);
    }

    [Fact]
    public async Task Started_before_postgres_listens_it_starts_once_postgres_does()
    {
        await faults.EnsureRunningAsync();
        var servers = faults.Servers;
        var todos = faults.TodosConnectionString;
        var cache = faults.CacheConnectionString;
        await servers.StopAsync("postgres");

        var refused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var starting = ApiProcess.StartAsync(ApiProcess.BuiltApi, new Dictionary<string, string>
        {
            ["ConnectionStrings:todos"] = todos,
            ["ConnectionStrings:cache"] = cache,
            ["Database:StartupTimeout"] = "00:01:00",
        }, onOutput: line =>
        {
            if (line.Contains(WaitingForPostgres, StringComparison.Ordinal))
            {
                refused.TrySetResult();
            }
        });
        // However long the process takes to start, PostgreSQL comes back only once its first attempt was refused.
        await refused.Task.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.False(starting.IsCompleted, "the API listened before PostgreSQL was back");
        await servers.StartAgainAsync("postgres");
        await using var api = await starting.WaitAsync(TimeSpan.FromMinutes(1));
        using var created = await api.Client.PostAsJsonAsync("/todos", TodoTestData.ValidBody());

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Single(api.Output, line => line.Contains(WaitingForPostgres, StringComparison.Ordinal));
    }

    /// <summary>
    /// The bench starts the API through <c>sh -c 'exec "$@"'</c> (to enter a memory cgroup). POSIX's <c>sh</c> passes on
    /// only variables whose names are portable identifiers ("Environment Variables", XBD chapter 8): the API must still
    /// be found where it listens.
    /// </summary>
    [Fact]
    public async Task Started_through_a_shell_it_is_found_where_it_listens()
    {
        await faults.EnsureRunningAsync();

        await using var api = await ApiProcess.StartAsync(ApiProcess.BuiltApi, new Dictionary<string, string>
        {
            ["ConnectionStrings:todos"] = faults.TodosConnectionString,
            ["ConnectionStrings:cache"] = faults.CacheConnectionString,
        }, launcher: ["sh", "-c", "exec \"$@\"", "sh"], probePath: "/todos?limit=1");

        using var created = await api.Client.PostAsJsonAsync("/todos", TodoTestData.ValidBody());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }
}
