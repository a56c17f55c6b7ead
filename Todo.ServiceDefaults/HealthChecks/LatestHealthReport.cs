using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Todo.ServiceDefaults.HealthChecks;

/// <summary>
/// The dependency report <c>/health</c> serves, refreshed every second in the background. A probe is answered from
/// memory and never runs a check, so probes cost nothing under load and cannot be used to make one. The answer is the
/// status alone: anyone in front of the load balancer can read it, and a failed check's description names internal
/// hosts and accounts. What each check found goes to the logs (and so to the dashboard) whenever it changes.
/// </summary>
public sealed partial class LatestHealthReport(TimeProvider clock, ILogger<LatestHealthReport> logger) : IHealthCheckPublisher
{
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(1);

    /// <summary>A report older than this means the checks themselves have stopped: the instance is reported Unhealthy.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(3);

    private (HealthReport Report, DateTimeOffset At)? _latest;

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        var previous = _latest?.Report;
        _latest = (report, clock.GetUtcNow());
        foreach (var (name, entry) in report.Entries)
        {
            if (previous?.Entries.TryGetValue(name, out var before) is true && before.Status == entry.Status)
            {
                continue;
            }
            if (entry.Status == HealthStatus.Healthy)
            {
                LogHealthy(name);
            }
            else
            {
                LogNotHealthy(entry.Exception, name, entry.Status, entry.Description);
            }
        }
        return Task.CompletedTask;
    }

    public async Task WriteAsync(HttpContext context)
    {
        var now = clock.GetUtcNow();
        var (status, age) = _latest is { } latest && now - latest.At <= MaxAge
            ? (latest.Report.Status, now - latest.At)
            : (HealthStatus.Unhealthy, TimeSpan.Zero);

        context.Response.StatusCode = status == HealthStatus.Unhealthy
            ? StatusCodes.Status503ServiceUnavailable
            : StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Age = ((int)age.TotalSeconds).ToString(CultureInfo.InvariantCulture);

        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteString("status", status.ToString());
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Health check {Check} is Healthy.")]
    private partial void LogHealthy(string check);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health check {Check} is {Status}: {Description}")]
    private partial void LogNotHealthy(Exception? exception, string check, HealthStatus status, string? description);
}
