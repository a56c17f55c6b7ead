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

    /// <summary>A client with a token of <see cref="TestTokens.DefaultUser"/>.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>A client of this instance with a token of <paramref name="subject"/> (and <paramref name="scopes"/>).</summary>
    public HttpClient ClientFor(string subject, params string[] scopes)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = TestTokens.Shared.Header(subject, scopes);
        return client;
    }

    public static TodoApiInstance Start(string todosConnectionString, string cacheConnectionString,
        IReadOnlyDictionary<string, string?>? settings = null, Action<IWebHostBuilder>? configure = null)
    {
        var all = TestTokens.Shared.ApiSettings.ToDictionary(setting => setting.Key, string? (setting) => setting.Value);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }
        all["ConnectionStrings:todos"] = todosConnectionString;
        all["ConnectionStrings:cache"] = cacheConnectionString;
        var instance = new TodoApiInstance(all, configure);
        instance.StartServer();
        instance.Client = instance.ClientFor(TestTokens.DefaultUser);
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
