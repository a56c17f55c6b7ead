using System.Globalization;
using System.Text.Json;
using Todo.Hosting.LocalServices;

namespace Todo.Bench;

/// <summary>One wrk measurement: what it reports about throughput, latency and errors.</summary>
public sealed record WrkResult(double RequestsPerSecond, long Requests, double P50Ms, double P90Ms, double P99Ms, double MaxMs, long Errors);

/// <summary>Runs wrk on core 1 with a scenario script, after a warm-up run whose numbers are thrown away.</summary>
public sealed class Wrk(BenchOptions options, string workDirectory)
{
    /// <summary>
    /// Appended to every scenario: prints the summary as JSON (latencies in microseconds). Errors are failed
    /// connections, reads, writes, timeouts and responses with a 4xx or 5xx status.
    /// </summary>
    private const string ReportScript = """

        done = function(summary, latency, requests)
          local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status
          io.write(string.format('{"requests":%d,"durationUs":%d,"errors":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d}\n',
            summary.requests, summary.duration, errors, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
        end
        """;

    public async Task<WrkResult> RunAsync(Uri baseAddress, string name, string scenarioScript)
    {
        var script = await WriteScriptAsync(name, scenarioScript);
        await RunOnceAsync(baseAddress, script, options.WarmUp);
        return Print(name, await RunOnceAsync(baseAddress, script, options.Duration));
    }

    /// <summary>One run of <paramref name="duration"/> without a warm-up: what a new instance goes through.</summary>
    public async Task<WrkResult> SustainAsync(Uri baseAddress, string name, string scenarioScript, TimeSpan duration) =>
        Print(name, await RunOnceAsync(baseAddress, await WriteScriptAsync(name, scenarioScript), duration));

    private async Task<string> WriteScriptAsync(string name, string scenarioScript)
    {
        var script = Path.Combine(workDirectory, $"{name}.lua");
        await File.WriteAllTextAsync(script, scenarioScript + ReportScript);
        return script;
    }

    private static WrkResult Print(string name, WrkResult result)
    {
        Console.WriteLine($"  {name,-34} {result.RequestsPerSecond,10:N0} req/s   p50 {result.P50Ms,7:N2} ms   p99 {result.P99Ms,7:N2} ms   errors {result.Errors}");
        return result;
    }

    private async Task<WrkResult> RunOnceAsync(Uri baseAddress, string script, TimeSpan duration)
    {
        // One thread: the whole core is wrk's, and one event loop saturates it.
        var (fileName, arguments) = Cores.Pinned(1, "wrk",
        [
            "-t1", $"-c{options.Connections.ToString(CultureInfo.InvariantCulture)}",
            $"-d{duration.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s", "--timeout", "5s",
            "-s", script, baseAddress.ToString().TrimEnd('/'),
        ]);
        var (_, output) = await ExternalCommand.RunAsync(fileName, arguments, duration + TimeSpan.FromMinutes(1), workDirectory);
        var json = output.Split('\n').LastOrDefault(line => line.StartsWith('{'))
            ?? throw new InvalidOperationException($"wrk printed no summary: {output}");

        var summary = JsonDocument.Parse(json).RootElement;
        long Get(string property) => summary.GetProperty(property).GetInt64();
        return new WrkResult(
            RequestsPerSecond: Get("requests") / (Get("durationUs") / 1e6),
            Requests: Get("requests"),
            P50Ms: Get("p50") / 1000.0,
            P90Ms: Get("p90") / 1000.0,
            P99Ms: Get("p99") / 1000.0,
            MaxMs: Get("max") / 1000.0,
            Errors: Get("errors"));
    }
}
