using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Todo.Api.Data;

namespace Todo.Tests.Infrastructure;

/// <summary>One instance of Todo.Api on real Kestrel over loopback, wired to the given PostgreSQL and Redis.</summary>
/// <remarks>Any type of the API's assembly locates its entry point; <c>Program</c> would be ambiguous beside the AppHost's.</remarks>
public sealed class TodoApiInstance : WebApplicationFactory<TodoDbContext>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;

    private TodoApiInstance(IReadOnlyDictionary<string, string?> settings)
    {
        _settings = settings;
        UseKestrel(0);
    }

    public HttpClient Client { get; private set; } = null!;

    public static TodoApiInstance Start(string todosConnectionString, string cacheConnectionString,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["ConnectionStrings:todos"] = todosConnectionString,
            ["ConnectionStrings:cache"] = cacheConnectionString,
        };
        var instance = new TodoApiInstance(all);
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
    }
}
