using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Todo.ServiceDefaults.HealthChecks;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

[Collection(TodoSystemCollection.Name)]
public sealed class HealthTests(TodoSystem system)
{
    /// <summary>
    /// An instance whose PostgreSQL and Redis are nowhere: <c>/alive</c> still answers; <c>/health</c> says Unhealthy
    /// and nothing more, while the log says why (the database check's message names the host and the account).
    /// </summary>
    [Fact]
    public async Task Health_tells_the_public_only_the_status_and_logs_the_reasons()
    {
        var logs = new ConcurrentQueue<string>();
        using var noDatabase = new RefusedPort();
        using var noCache = new RefusedPort();
        await using var isolated = TodoApiInstance.Start(
            $"Host=127.0.0.1;Port={noDatabase.Port};Database=todos;Username=nobody;Password=none",
            $"127.0.0.1:{noCache.Port}",
            new Dictionary<string, string?> { ["Database:MigrateOnStartup"] = "false" },
            builder => builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(logs))));

        using var alive = await isolated.Client.GetAsync("/alive");
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal("Healthy", await alive.Content.ReadAsStringAsync());

        Assert.True(await Poll.UntilAsync(() => logs.Any(line => line.Contains("Health check TodoDbContext is Unhealthy", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10)), "the failed database check was never logged");
        using var health = await isolated.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("""{"status":"Unhealthy"}""", await health.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Health_reports_the_overall_status_as_json()
    {
        using var response = await system.Client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("""{"status":"Healthy"}""", await response.Content.ReadAsStringAsync());
    }

    /// <summary>A probe never runs the checks: with no fresh report (the checks stopped), the answer is Unhealthy.</summary>
    [Fact]
    public async Task A_stale_report_is_answered_unhealthy_not_recomputed()
    {
        var clock = new ManualClock();
        var latest = new LatestHealthReport(clock, NullLogger<LatestHealthReport>.Instance);
        var healthy = new HealthReport(new Dictionary<string, HealthReportEntry>(), TimeSpan.Zero);

        Assert.Equal(503, await StatusAsync(latest));
        await latest.PublishAsync(healthy, CancellationToken.None);
        Assert.Equal(200, await StatusAsync(latest));
        clock.Now += LatestHealthReport.MaxAge + TimeSpan.FromSeconds(1);
        Assert.Equal(503, await StatusAsync(latest));
    }

    private static async Task<int> StatusAsync(LatestHealthReport latest)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        await latest.WriteAsync(context);
        return context.Response.StatusCode;
    }
}
