using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Todo.Bench;

/// <param name="PeakRssMB">The API's peak RSS so far, after this run: where it grows shows which load costs memory.</param>
public sealed record Measurement(string Name, string Description, WrkResult Result, double PeakRssMB);

public sealed record Target(string Goal, string Measured, bool Met);

/// <summary>Everything one run measured, written as <c>bench/results/&lt;date&gt;.md</c> and <c>.json</c>.</summary>
public sealed class Report(int connections)
{
    public List<Measurement> Measurements { get; } = [];
    public Dictionary<string, double> PeakRssMB { get; } = [];
    public double StartupMs { get; set; }
    public FirstBurst? FirstBurst { get; set; }
    public MemoryTimeline? Sustained { get; set; }
    public (int LimitMiB, MemoryTimeline Timeline)? TaskSized { get; set; }
    public string Machine { get; } = DescribeMachine();
    public DateTimeOffset Date { get; } = DateTimeOffset.UtcNow;

    public Measurement this[string name] => Measurements.Single(measurement => measurement.Name == name);

    public void Add(string name, string description, WrkResult result, double peakRssMB) =>
        Measurements.Add(new Measurement(name, description, result, peakRssMB));

    public List<Target> Targets()
    {
        double Share(string name) => RatioToRoot(this[name]);
        string Percent(string name) => $"{Share(name):P0}";
        var item = this["item-cached"].Result;
        var peak = PeakRssMB.Values.Max();
        return
        [
            new("cached GET /todos/{id} ≥ 50 % of GET /", Percent("item-cached"), Share("item-cached") >= 0.5),
            new("cached GET /todos/{id} p99 ≤ 10 ms", $"{item.P99Ms:N2} ms", item.P99Ms <= 10),
            new("cached GET /todos?limit=100 ≥ 45 % (what it was before reads were checked against writes)", Percent("list-cached"), Share("list-cached") >= 0.45),
            AuthenticatedTarget("item-cached"),
            AuthenticatedTarget("list-cached"),
            new("uncached GET /todos/{id} ≥ 20 %", Percent("item-uncached"), Share("item-uncached") >= 0.2),
            new("POST /todos ≥ 25 %", Percent("create"), Share("create") >= 0.25),
            new("0 errors in every run", Runs().Sum(run => run.Errors).ToString(CultureInfo.InvariantCulture), Runs().All(run => run.Errors == 0)),
            new("API peak RSS ≤ 150 MB", $"{peak:N0} MB", peak <= 150),
            new("start-up to the first 200 on a todo route ≤ 1 s", $"{StartupMs:N0} ms", StartupMs <= 1000),
            new("60 creates right after start: all created, the slowest ≤ 1.5 s",
                FirstBurst is { } burst ? $"{burst.Created} of {burst.Requests}, slowest {burst.SlowestMs:N0} ms" : "not run",
                FirstBurst is { } met && met.Created == met.Requests && met.SlowestMs <= 1500),
            new("RSS levels off under mixed load (second half ≤ 5 % above the first half's peak)",
                Sustained is { } sustained ? $"{Quarters(sustained)} MB" : "not run", Sustained?.LevelsOff == true),
            new("in a 512 MiB task: mixed load with 0 errors",
                TaskSized is var (limit, timeline) ? $"{timeline.Load.Errors} errors, peak RSS {timeline.PeakRssMB:N0} MB of {limit * 1.048576:N0}" : "no memory cgroup here",
                TaskSized is { Timeline.Load.Errors: 0 }),
            PageTarget("first"),
            PageTarget("deep"),
        ];
    }

    /// <summary>The row with a user's token (RS256, validated once per token and then remembered) within 15 % of the anonymous one.</summary>
    private Target AuthenticatedTarget(string row)
    {
        var ratio = this[$"{row}-auth"].Result.RequestsPerSecond / this[row].Result.RequestsPerSecond;
        return new($"{row} with a token ≥ 85 % of without", $"{ratio:P0}", ratio >= 0.85);
    }

    private Target PageTarget(string page)
    {
        var small = Measurements.Single(measurement => measurement.Name.StartsWith($"page-{page}-", StringComparison.Ordinal) && measurement.Name.EndsWith("-10k", StringComparison.Ordinal)).Result;
        var large = Measurements.Single(measurement => measurement.Name.StartsWith($"page-{page}-", StringComparison.Ordinal) && !measurement.Name.EndsWith("-10k", StringComparison.Ordinal)).Result;
        return new($"{page} page at the large table within 1.5× its 10,000-row p50", $"{large.P50Ms:N2} vs {small.P50Ms:N2} ms ({large.P50Ms / small.P50Ms:N2}×)",
            large.P50Ms <= 1.5 * small.P50Ms);
    }

    public async Task WriteAsync(string directory)
    {
        Directory.CreateDirectory(directory);
        var name = Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(Path.Combine(directory, $"{name}.md"), Markdown());
        await File.WriteAllTextAsync(Path.Combine(directory, $"{name}.json"), JsonSerializer.Serialize(new
        {
            date = Date,
            machine = Machine,
            startupMs = StartupMs,
            firstBurst = FirstBurst,
            sustained = Sustained,
            taskSized = TaskSized is var (limitMiB, timeline) ? new { limitMiB, timeline } : null,
            peakRssMB = PeakRssMB,
            measurements = Measurements.Select(measurement => new
            {
                measurement.Name,
                measurement.Description,
                measurement.Result,
                measurement.PeakRssMB,
                RatioToRoot = RatioToRoot(measurement),
            }),
            targets = Targets(),
        }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
        Console.WriteLine($"Wrote {Path.Combine(directory, name)}.md and .json");
    }

    public string Markdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Benchmark {Date:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Machine}. The API pinned to core 0; wrk (1 thread, {connections} connections), PostgreSQL and Redis to core 1.");
        text.AppendLine();
        text.AppendLine("| run | what | req/s | × GET / | p50 ms | p90 ms | p99 ms | max ms | errors | peak RSS MB |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var measurement in Measurements)
        {
            var (name, description, result, peakRss) = measurement;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {description} | {result.RequestsPerSecond:N0} | {RatioToRoot(measurement):N2} | {result.P50Ms:N2} | {result.P90Ms:N2} | {result.P99Ms:N2} | {result.MaxMs:N1} | {result.Errors} | {peakRss:N0} |");
        }
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Start-up to the first 200 on `GET /todos?limit=1` (migrations applied): {StartupMs:N0} ms. Peak RSS (the last column: each API's peak so far): {string.Join(", ", PeakRssMB.Select(peak => $"{peak.Key} {peak.Value:N0} MB"))}.");
        if (FirstBurst is { } burst)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"First burst: {burst.Requests} creates at once as soon as the todo route answered; {burst.Created} created, the slowest in {burst.SlowestMs:N0} ms.");
        }
        if (Sustained is { } sustained)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Mixed load on a new instance (60 % `GET /`, 20 % creates, 20 % filtered lists) for {sustained.RssMB.Count} s: {sustained.Load.RequestsPerSecond:N0} req/s, {sustained.Load.Errors} errors; RSS at the start and each quarter {Quarters(sustained)} MB, peak {sustained.PeakRssMB:N0} MB.");
        }
        if (TaskSized is var (limit, timeline))
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"The same load inside a {limit} MiB memory cgroup (a Fargate task's memory) for {timeline.RssMB.Count} s: {timeline.Load.RequestsPerSecond:N0} req/s, {timeline.Load.Errors} errors, peak RSS {timeline.PeakRssMB:N0} MB.");
        }
        text.AppendLine();
        text.AppendLine("| target | measured | met |");
        text.AppendLine("|---|---|---|");
        foreach (var target in Targets())
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {target.Goal} | {target.Measured} | {(target.Met ? "yes" : "**no**")} |");
        }
        return text.ToString();
    }

    private IEnumerable<WrkResult> Runs() =>
        Measurements.Select(measurement => measurement.Result).Concat(new[] { Sustained?.Load, TaskSized?.Timeline.Load }.OfType<WrkResult>());

    private static string Quarters(MemoryTimeline timeline) =>
        string.Join(" → ", Enumerable.Range(0, 5).Select(quarter => timeline.RssMB[Math.Min(quarter * timeline.RssMB.Count / 4, timeline.RssMB.Count - 1)].ToString("N0", CultureInfo.InvariantCulture)));

    /// <summary>Throughput as a share of <c>GET /</c> in the same run.</summary>
    private double RatioToRoot(Measurement measurement) =>
        measurement.Result.RequestsPerSecond / this["root"].Result.RequestsPerSecond;

    private static string DescribeMachine()
    {
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim()
            : null;
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return $"{model ?? RuntimeInformation.ProcessArchitecture.ToString()}, {Environment.ProcessorCount} cores, {memory:N0} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }
}
