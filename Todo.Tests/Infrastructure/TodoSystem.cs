using Microsoft.AspNetCore.Hosting;

namespace Todo.Tests.Infrastructure;

/// <summary>
/// The servers every API test shares: PostgreSQL with the <c>todos</c> database and Redis, from the AppHost model,
/// and two API instances on them. Tests make their own data (their own owner email) and never rely on another's rows.
/// </summary>
/// <remarks>
/// The instances started here wait on PostgreSQL for <see cref="DatabaseWait"/>: longer than any lock a test holds to
/// force an overlap, so a held lock never turns its waiters into 503s whose timeouts open the database circuit for the
/// tests after. The API's own 2 s bound is the subject of the fault tests, which start instances of their own.
/// </remarks>
public sealed class TodoSystem : IAsyncLifetime
{
    public static readonly TimeSpan DatabaseWait = TimeSpan.FromSeconds(30);

    private TodoServers? _servers;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<IAsyncDisposable>>> _shared = new();

    public TodoServers Servers => _servers ?? throw new InvalidOperationException("Not started.");

    public string TodosConnectionString { get; private set; } = "";

    public string CacheConnectionString { get; private set; } = "";

    public TodoApiInstance Api { get; private set; } = null!;

    public HttpClient Client => Api.Client;

    /// <summary>
    /// What the tests of one class share (an issuer and an instance that trusts it, say): made by <paramref name="make"/>
    /// on first use under <paramref name="name"/>, and disposed with the system.
    /// </summary>
    public async Task<T> SharedAsync<T>(string name, Func<Task<T>> make) where T : class, IAsyncDisposable =>
        (T)await _shared.GetOrAdd(name, _ => new Lazy<Task<IAsyncDisposable>>(async () => await make())).Value;

    /// <summary>A second instance on the same servers, for tests of what instances share.</summary>
    public TodoApiInstance Second { get; private set; } = null!;

    public TodoApiInstance StartAnotherApi(IReadOnlyDictionary<string, string?>? settings = null, Action<IWebHostBuilder>? configure = null)
    {
        var all = PatientSettings(settings ?? new Dictionary<string, string?>());
        return TodoApiInstance.Start(all["ConnectionStrings:todos"]!, CacheConnectionString, all, configure);
    }

    /// <summary>The built API as a process of its own on these servers, waiting as the collection's instances do, with <paramref name="settings"/> besides.</summary>
    public Task<ApiProcess> StartApiProcessAsync(IReadOnlyDictionary<string, string>? settings = null) =>
        Servers.StartApiProcessAsync(PatientSettings((settings ?? new Dictionary<string, string>()).ToDictionary(setting => setting.Key, string? (setting) => setting.Value))
            .ToDictionary(setting => setting.Key, setting => setting.Value!));

    /// <summary><paramref name="settings"/>, after a <c>todos</c> connection string and a request bound that wait <see cref="DatabaseWait"/>.</summary>
    private Dictionary<string, string?> PatientSettings(IReadOnlyDictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:todos"] = $"{TodosConnectionString};Command Timeout={(int)DatabaseWait.TotalSeconds}",
            ["Database:RequestTimeout"] = DatabaseWait.ToString(),
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }
        return all;
    }

    public async Task InitializeAsync()
    {
        _servers = await TodoServers.StartAsync("postgres", "todos", "cache");
        TodosConnectionString = await _servers.ConnectionStringAsync("todos");
        CacheConnectionString = await _servers.ConnectionStringAsync("cache");
        // Both before any test: an instance that started while a test held a lock would wait behind it, warming up.
        Api = StartAnotherApi();
        Second = StartAnotherApi();
    }

    public async Task DisposeAsync()
    {
        foreach (var shared in _shared.Values)
        {
            await (await shared.Value).DisposeAsync();
        }
        await Second.DisposeAsync();
        await Api.DisposeAsync();
        await Servers.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class TodoSystemCollection : ICollectionFixture<TodoSystem>
{
    public const string Name = "Todo system";
}
