using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Todo.ServiceDefaults.HealthChecks;

/// <summary>
/// The dependency report <c>/health</c> serves, refreshed every second in the background. Under overload a probe is
/// answered from memory at once instead of queueing its own round trips behind the load; no report is older than
/// <see cref="MaxAge"/> (a stale one is recomputed on the spot).
/// </summary>
public sealed class LatestHealthReport(HealthCheckService checks, TimeProvider clock) : IHealthCheckPublisher
{
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(3);

    private (HealthReport Report, DateTimeOffset At)? _latest;

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        _latest = (report, clock.GetUtcNow());
        return Task.CompletedTask;
    }

    public async Task WriteAsync(HttpContext context)
    {
        var now = clock.GetUtcNow();
        var (report, at) = _latest is { } latest && now - latest.At <= MaxAge
            ? latest
            : (await checks.CheckHealthAsync(context.RequestAborted), now);
        context.Response.Headers.Age = ((int)(now - at).TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.StatusCode = report.Status == HealthStatus.Unhealthy
            ? StatusCodes.Status503ServiceUnavailable
            : StatusCodes.Status200OK;
        await HealthReportJsonWriter.WriteAsync(context, report);
    }
}
