using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Todo.AppHost.LocalServices;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

[Collection(TodoSystemCollection.Name)]
public sealed class HealthTests(TodoSystem system)
{
    /// <summary>An instance whose PostgreSQL and Redis are nowhere: <c>/alive</c> still answers, <c>/health</c> says why not.</summary>
    [Fact]
    public async Task Alive_answers_without_asking_any_dependency()
    {
        await using var isolated = TodoApiInstance.Start(
            $"Host=127.0.0.1;Port={FreePort.OnLoopback()};Database=todos;Username=nobody;Password=none",
            $"127.0.0.1:{FreePort.OnLoopback()}",
            new Dictionary<string, string?> { ["Database:MigrateOnStartup"] = "false" });

        using var alive = await isolated.Client.GetAsync("/alive");
        using var health = await isolated.Client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal("Healthy", await alive.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }

    [Fact]
    public async Task Health_reports_each_dependency_as_json()
    {
        using var response = await system.Client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        var checks = report.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("TodoDbContext").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("cache").GetProperty("status").GetString());
    }
}
