using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Todo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Todo.Tests.Resilience;

/// <summary>
/// A dependency that hangs instead of refusing: the whole PostgreSQL or Redis process tree frozen for 8 s while 8
/// clients read a cached todo, writers create todos and a probe asks <c>/alive</c>, then thawed. Throughput is judged
/// as a ratio to the same run's figures before the hang; waits against the bounds the API promises.
/// </summary>
[Trait("Category", "Resilience")]
public sealed class HangTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Readers = 8;
    private static readonly TimeSpan s_before = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan s_after = TimeSpan.FromSeconds(5);

    /// <summary>The API's promise: no request waits on PostgreSQL longer than this (the Npgsql defaults' 2 s) before its 503.</summary>
    private static readonly TimeSpan s_databaseBound = TimeSpan.FromSeconds(2);

    /// <summary><c>OutputCache:OperationTimeout</c>: no request waits on Redis longer.</summary>
    private static readonly TimeSpan s_cacheBound = TimeSpan.FromMilliseconds(500);

    /// <summary>What a read from PostgreSQL may add after a lookup gave up, on this busy machine.</summary>
    private static readonly TimeSpan s_databaseRead = TimeSpan.FromMilliseconds(250);

    private TodoServers _servers = null!;
    private ApiProcess _api = null!;

    public async Task InitializeAsync()
    {
        _servers = await TodoServers.StartAsync("postgres", "todos", "cache");
        _api = await _servers.StartApiProcessAsync(new Dictionary<string, string>
        {
            // One line per event, with the time, to lay beside the freeze and the thaw.
            ["Logging:Console:FormatterName"] = "simple",
            ["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss.fff ",
            ["Logging:Console:FormatterOptions:SingleLine"] = "true",
        });
    }

    public async Task DisposeAsync()
    {
        // The API's own account of the run, for when an assertion fails: each warning or error once, when it was first
        // said and how often, cut short.
        const int time = 13;
        foreach (var said in _api.Output.Where(line => line.Length > time).GroupBy(line => line[time..]).Take(40))
        {
            output.WriteLine($"API {said.First()[..time]}×{said.Count()}: {said.Key[..Math.Min(said.Key.Length, 300)]}");
        }
        await _api.DisposeAsync();
        await _servers.DisposeAsync();
    }

    [Theory]
    [InlineData(4)]
    [InlineData(80)]
    public async Task While_postgres_hangs_cached_reads_keep_their_pace_writes_are_refused_within_the_bound_and_health_says_so(int writers)
    {
        var run = await RunThroughHangAsync("postgres", writers);

        var readsBefore = run.Before("cached read");
        var readsDuring = run.During("cached read");
        var writesDuring = run.During("create");
        run.Report(output, writers);
        Assert.True(run.Rate(readsDuring) >= 0.5 * run.Rate(readsBefore),
            $"cached reads fell from {run.Rate(readsBefore):N0}/s to {run.Rate(readsDuring):N0}/s during the hang");
        Assert.True(TrafficRecorder.Percentile(readsDuring, 99) <= Math.Max(100, 3 * TrafficRecorder.Percentile(readsBefore, 99)),
            $"cached reads p99 {TrafficRecorder.Percentile(readsDuring, 99):N0} ms during the hang");
        Assert.All(readsDuring, read => Assert.Equal(200, read.Status));
        Assert.All(writesDuring, write => Assert.True(write.Status is 201 or 503, $"a create during the hang answered {write.Status}"));
        Assert.All(writesDuring, write => Assert.True(write.Latency <= s_databaseBound + TimeSpan.FromSeconds(1),
            $"a create waited {write.Latency.TotalMilliseconds:N0} ms on the hung database"));
        Assert.Contains(writesDuring, write => write.Status == 503);
        Assert.True(run.UnhealthyAfterFreeze("Unhealthy") <= TimeSpan.FromSeconds(3), $"/health said Unhealthy {run.UnhealthyAfterFreeze("Unhealthy").TotalSeconds:N1} s into the hang");
        Assert.True(run.HealthyAfterThaw() <= TimeSpan.FromSeconds(3), $"/health said Healthy {run.HealthyAfterThaw().TotalSeconds:N1} s after the thaw");
        Assert.All(run.Alive, probe => Assert.Equal(200, probe.Status));
        AssertRecoveredWithin2Seconds(run, "create", 201);
    }

    [Fact]
    public async Task While_redis_hangs_reads_keep_their_pace_no_request_waits_on_it_past_its_time_limit_and_health_says_degraded()
    {
        var run = await RunThroughHangAsync("cache", writers: 80);

        var readsBefore = run.Before("cached read");
        var readsDuring = run.During("cached read");
        // The first operations wait out the time limit until the circuit opens; after that nobody waits on Redis.
        var onceOpen = run.During().Where(sample => sample.At >= run.FrozenAt + TimeSpan.FromSeconds(2)).ToList();
        run.Report(output, 80);
        Assert.True(run.Rate(readsDuring) >= 0.5 * run.Rate(readsBefore),
            $"reads fell from {run.Rate(readsBefore):N0}/s to {run.Rate(readsDuring):N0}/s during the hang");
        Assert.All(run.During(), sample => Assert.True(sample.Status is 200 or 201, $"{sample.Kind} answered {sample.Status} during the hang"));
        // At most the circuit's probe waits, for the time limit, before it reads PostgreSQL.
        Assert.All(onceOpen.Where(sample => sample.Kind == "cached read"), read => Assert.True(read.Latency <= s_cacheBound + s_databaseRead,
            $"a read took {read.Latency.TotalMilliseconds:N0} ms with the circuit open"));
        Assert.True(run.UnhealthyAfterFreeze("Degraded") <= TimeSpan.FromSeconds(3), $"/health said Degraded {run.UnhealthyAfterFreeze("Degraded").TotalSeconds:N1} s into the hang");
        Assert.True(run.HealthyAfterThaw() <= TimeSpan.FromSeconds(3), $"/health said Healthy {run.HealthyAfterThaw().TotalSeconds:N1} s after the thaw");
        Assert.All(run.Alive, probe => Assert.Equal(200, probe.Status));
        AssertRecoveredWithin2Seconds(run, "cached read", 200);
        var cachedAgain = run.Samples.FirstOrDefault(sample => sample.Kind == "cached read" && sample.At >= run.ThawedAt && sample.FromCache);
        Assert.True(cachedAgain is not null && cachedAgain.At - run.ThawedAt <= TimeSpan.FromSeconds(2),
            $"the cache served again {(cachedAgain?.At - run.ThawedAt)?.TotalSeconds:N1} s after the thaw");
    }

    /// <summary>A thawed server is used again within 2 s, and no request that began after that failed.</summary>
    private static void AssertRecoveredWithin2Seconds(HangRun run, string kind, int success)
    {
        var firstSuccess = run.Samples.Where(sample => sample.Kind == kind && sample.At >= run.ThawedAt && sample.Status == success)
            .Select(sample => sample.At + sample.Latency).DefaultIfEmpty(TimeSpan.MaxValue).Min();
        Assert.True(firstSuccess - run.ThawedAt <= TimeSpan.FromSeconds(2), $"the first {kind} succeeded {(firstSuccess - run.ThawedAt).TotalSeconds:N1} s after the thaw");
        Assert.All(run.Samples.Where(sample => sample.At >= firstSuccess), sample =>
            Assert.True(sample.Status is 200 or 201, $"{sample.Kind} at {sample.At.TotalSeconds:N1} s answered {sample.Status} after recovery"));
    }

    private async Task<HangRun> RunThroughHangAsync(string server, int writers)
    {
        var cached = await _api.Client.CreateTodoAsync();
        var path = $"/todos/{cached.TodoId}";
        (await _api.Client.GetAsync(path)).Dispose();
        var clock = Stopwatch.StartNew();
        var samples = new System.Collections.Concurrent.ConcurrentQueue<Sample>();
        var health = new System.Collections.Concurrent.ConcurrentQueue<(TimeSpan At, string Status)>();
        using var stop = new CancellationTokenSource();
        using var client = TestTokens.Shared.Client(_api.BaseAddress, TestTokens.DefaultUser);

        async Task Loop(string kind, Func<Task<HttpResponseMessage>> send, TimeSpan pause)
        {
            while (!stop.IsCancellationRequested)
            {
                var started = clock.Elapsed;
                int status;
                var fromCache = false;
                try
                {
                    using var response = await send();
                    fromCache = response.Headers.Contains("Age");
                    status = (int)response.StatusCode == 503 && !IsProperRefusal(response) ? -503 : (int)response.StatusCode;
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    status = 0;
                }
                samples.Enqueue(new Sample(started, kind, status, clock.Elapsed - started, fromCache));
                if (pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause);
                }
            }
        }

        async Task WatchHealth()
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.GetAsync("/health");
                health.Enqueue((clock.Elapsed, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString()!));
                await Task.Delay(100);
            }
        }

        var traffic = Enumerable.Range(0, Readers).Select(_ => Task.Run(() => Loop("cached read", () => client.GetAsync(path), TimeSpan.Zero)))
            .Concat(Enumerable.Range(0, writers).Select(_ => Task.Run(() => Loop("create", () => client.PostAsJsonAsync("/todos", TodoTestData.ValidBody()), TimeSpan.Zero))))
            .Append(Task.Run(() => Loop("alive", () => client.GetAsync("/alive"), TimeSpan.FromMilliseconds(100))))
            .Append(Task.Run(WatchHealth))
            .ToList();

        await Task.Delay(s_before);
        var frozenAt = clock.Elapsed;
        await _servers.FreezeAsync(server);
        try
        {
            await Task.Delay(s_hang);
        }
        finally
        {
            await _servers.ThawAsync(server);
        }
        var thawedAt = clock.Elapsed;
        output.WriteLine($"{server} frozen at {DateTime.Now - (clock.Elapsed - frozenAt):HH:mm:ss.fff}, thawed at {DateTime.Now:HH:mm:ss.fff}");
        await Task.Delay(s_after);
        await stop.CancelAsync();
        await Task.WhenAll(traffic).WaitAsync(TimeSpan.FromMinutes(1));
        return new HangRun([.. samples], [.. health], frozenAt, thawedAt, clock.Elapsed);
    }

    private static bool IsProperRefusal(HttpResponseMessage response) =>
        response.Headers.RetryAfter is not null && response.Content.Headers.ContentType?.MediaType == "application/problem+json";

    private sealed record HangRun(IReadOnlyList<Sample> Samples, IReadOnlyList<(TimeSpan At, string Status)> Health,
        TimeSpan FrozenAt, TimeSpan ThawedAt, TimeSpan EndedAt)
    {
        public IEnumerable<Sample> Alive => Samples.Where(sample => sample.Kind == "alive");

        public List<Sample> Before(string kind) => [.. Samples.Where(sample => sample.Kind == kind && sample.At < FrozenAt)];

        public List<Sample> During(string? kind = null) =>
            [.. Samples.Where(sample => (kind is null ? sample.Kind != "alive" : sample.Kind == kind) && sample.At >= FrozenAt && sample.At < ThawedAt)];

        /// <summary>Requests a second over the window the samples come from (before, or during the hang).</summary>
        public double Rate(IReadOnlyCollection<Sample> samples) =>
            samples.Count / (samples.All(sample => sample.At < FrozenAt) ? FrozenAt.TotalSeconds : (ThawedAt - FrozenAt).TotalSeconds);

        public TimeSpan UnhealthyAfterFreeze(string status) =>
            Health.Where(report => report.At >= FrozenAt && report.At < ThawedAt && report.Status == status)
                .Select(report => report.At - FrozenAt).DefaultIfEmpty(TimeSpan.MaxValue).Min();

        public TimeSpan HealthyAfterThaw() =>
            Health.Where(report => report.At >= ThawedAt && report.Status == "Healthy")
                .Select(report => report.At - ThawedAt).DefaultIfEmpty(TimeSpan.MaxValue).Min();

        public void Report(ITestOutputHelper output, int writers)
        {
            foreach (var (name, samples) in new[] { ("before", Before("cached read").Concat(Before("create"))), ("during", During()), ("after", Samples.Where(sample => sample.At >= ThawedAt && sample.Kind != "alive")) })
            {
                var list = samples.ToList();
                var reads = list.Where(sample => sample.Kind == "cached read").ToList();
                var creates = list.Where(sample => sample.Kind == "create").ToList();
                output.WriteLine($"{writers} writers, {name}: reads {reads.Count} (p99 {TrafficRecorder.Percentile(reads, 99):N0} ms, " +
                    $"{reads.Count(sample => sample.Status != 200)} not 200), creates {creates.Count} ({creates.Count(sample => sample.Status == 201)} created, " +
                    $"{creates.Count(sample => sample.Status == 503)} refused with 503, {creates.Count(sample => sample.Status is not (201 or 503))} otherwise; " +
                    $"slowest {(creates.Count == 0 ? 0 : creates.Max(sample => sample.Latency.TotalMilliseconds)):N0} ms)");
            }
            var cachedAgain = Samples.Where(sample => sample.At >= ThawedAt && sample.FromCache).Select(sample => sample.At - ThawedAt).DefaultIfEmpty(TimeSpan.MaxValue).Min();
            output.WriteLine($"The cache answered again {cachedAgain.TotalSeconds:N1} s after the thaw.");
            output.WriteLine($"/health: {UnhealthyAfterFreeze("Unhealthy").TotalSeconds:N1} s to Unhealthy, {UnhealthyAfterFreeze("Degraded").TotalSeconds:N1} s to Degraded, " +
                $"{HealthyAfterThaw().TotalSeconds:N1} s to Healthy after the thaw; /alive {Alive.Count()} probes, {Alive.Count(probe => probe.Status != 200)} not 200, " +
                $"slowest {Alive.Max(probe => probe.Latency.TotalMilliseconds):N0} ms");
        }
    }
}
