using Microsoft.AspNetCore.Hosting;

namespace Todo.Tests.Infrastructure;

/// <summary>
/// The servers every API test shares: PostgreSQL with the <c>todos</c> database and Redis, from the AppHost model,
/// and one API instance on them. Tests make their own data (their own owner email) and never rely on another's rows.
/// </summary>
public sealed class TodoSystem : IAsyncLifetime
{
    private TodoServers? _servers;

    public TodoServers Servers => _servers ?? throw new InvalidOperationException("Not started.");

    public string TodosConnectionString { get; private set; } = "";

    public string CacheConnectionString { get; private set; } = "";

    public TodoApiInstance Api { get; private set; } = null!;

    public HttpClient Client => Api.Client;

    public TodoApiInstance StartAnotherApi(IReadOnlyDictionary<string, string?>? settings = null, Action<IWebHostBuilder>? configure = null) =>
        TodoApiInstance.Start(TodosConnectionString, CacheConnectionString, settings, configure);

    /// <summary>The built API as a process of its own on these servers, with <paramref name="settings"/> besides.</summary>
    public Task<ApiProcess> StartApiProcessAsync(IReadOnlyDictionary<string, string>? settings = null) => Servers.StartApiProcessAsync(settings);

    public async Task InitializeAsync()
    {
        _servers = await TodoServers.StartAsync("postgres", "todos", "cache");
        TodosConnectionString = await _servers.ConnectionStringAsync("todos");
        CacheConnectionString = await _servers.ConnectionStringAsync("cache");
        Api = StartAnotherApi();
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Servers.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class TodoSystemCollection : ICollectionFixture<TodoSystem>
{
    public const string Name = "Todo system";
}
