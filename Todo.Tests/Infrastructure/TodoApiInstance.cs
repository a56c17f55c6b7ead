using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Todo.Api.Data;

namespace Todo.Tests.Infrastructure;

/// <summary>One instance of Todo.Api on real Kestrel over loopback, wired to the given PostgreSQL and Redis.</summary>
/// <remarks>Any type of the API's assembly locates its entry point; <c>Program</c> would be ambiguous beside the AppHost's.</remarks>
public sealed class TodoApiInstance : WebApplicationFactory<TodoDbContext>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IWebHostBuilder>? _configure;

    private TodoApiInstance(IReadOnlyDictionary<string, string?> settings, Action<IWebHostBuilder>? configure)
    {
        _settings = settings;
        _configure = configure;
        UseKestrel(0);
    }

    public HttpClient Client { get; private set; } = null!;

    public static TodoApiInstance Start(string todosConnectionString, string cacheConnectionString,
        IReadOnlyDictionary<string, string?>? settings = null, Action<IWebHostBuilder>? configure = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["ConnectionStrings:todos"] = todosConnectionString,
            ["ConnectionStrings:cache"] = cacheConnectionString,
        };
        var instance = new TodoApiInstance(all, configure);
        instance.StartServer();
        instance.Client = instance.CreateClient();
        return instance;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        _configure?.Invoke(builder);
    }
}
