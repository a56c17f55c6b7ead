using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Todo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Todo.Tests.Resilience;

/// <summary>
/// A dependency that hangs instead of refusing: the whole PostgreSQL or Redis process tree frozen while clients read a
/// cached todo, read todos and pages that are not cached, create todos, patch them and ask <c>/alive</c>, then thawed.
/// Throughput is judged as a ratio to the same run's figures before the hang; waits against the bounds the API promises:
/// <c>Database:RequestTimeout</c> for whatever needs PostgreSQL, at once while its circuit is open, and
/// <c>OutputCache:OperationTimeout</c> for Redis.
/// </summary>
[Collection(FaultCollection.Name)]
[Trait("Category", "Resilience")]
[Trait("Category", "Slow")]
public sealed class HangTests(FaultServers faults, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Readers = 8;
    private static readonly TimeSpan s_before = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_after = TimeSpan.FromSeconds(3.5);

    /// <summary><c>Database:RequestTimeout</c>: no request waits on PostgreSQL longer before its 503.</summary>
    private static readonly TimeSpan s_databaseBound = TimeSpan.FromSeconds(2);

    /// <summary>What this busy machine may add to a timer that fired, to the thread that answers and to the client's read.</summary>
    private static readonly TimeSpan s_margin = TimeSpan.FromMilliseconds(500);

    /// <summary>A refusal of the open circuit: nothing was waited on.</summary>
    private static readonly TimeSpan s_immediate = TimeSpan.FromMilliseconds(100);

    /// <summary><c>OutputCache:OperationTimeout</c>: no request waits on Redis longer.</summary>
    private static readonly TimeSpan s_cacheBound = TimeSpan.FromMilliseconds(500);

    /// <summary>What a read or a write on PostgreSQL may take on this busy machine, the cache aside.</summary>
    private static readonly TimeSpan s_databaseWork = TimeSpan.FromMilliseconds(250);

    private static readonly string[] s_databaseKinds = ["create", "uncached read", "list", "patch"];

    private ApiProcess _api = null!;
    private HttpClient _client = null!;
    private int _outputBefore;

    public async Task InitializeAsync()
    {
        await faults.EnsureRunningAsync();
        _api = await faults.SharedApiAsync();
        _client = TestTokens.Shared.Client(_api.BaseAddress, TestTokens.DefaultUser);
        _outputBefore = _api.Output.Count;
    }

    /// <summary>The API's own account of the test, for when an assertion fails: each line once, when first said and how often.</summary>
    public Task DisposeAsync()
    {
        const int time = 13;
        foreach (var said in _api.Output.Skip(_outputBefore).Where(line => line.Length > time).GroupBy(line => line[time..]).Take(40))
        {
            output.WriteLine($"API {said.First()[..time]}×{said.Count()}: {said.Key[..Math.Min(said.Key.Length, 300)]}");
        }
        _client.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData(4)]
    [InlineData(80)]
    public async Task While_postgres_hangs_cached_reads_keep_their_pace_and_everything_else_is_refused_within_the_bound(int writers)
    {
        var run = await RunThroughHangAsync("postgres", writers);

        var readsBefore = run.Before("cached read");
        var readsDuring = run.During("cached read");
        var databaseDuring = run.During().Where(sample => s_databaseKinds.Contains(sample.Kind)).ToList();
        run.Report(output, writers);
        Assert.True(run.Rate(readsDuring) >= 0.5 * run.Rate(readsBefore),
            $"cached reads fell from {run.Rate(readsBefore):N0}/s to {run.Rate(readsDuring):N0}/s during the hang");
        Assert.True(TrafficRecorder.Percentile(readsDuring, 99) <= Math.Max(100, 3 * TrafficRecorder.Percentile(readsBefore, 99)),
            $"cached reads p99 {TrafficRecorder.Percentile(readsDuring, 99):N0} ms during the hang");
        Assert.All(readsDuring, read => Assert.Equal(200, read.Status));
        Assert.All(databaseDuring, sample => Assert.True(sample.Status is 200 or 201 or 404 or 503,
            $"{sample.Kind} at {sample.At.TotalSeconds:N1} s answered {sample.Status} during the hang"));
        Assert.All(databaseDuring, sample => Assert.True(sample.Latency <= s_databaseBound + s_margin,
            $"{sample.Kind} waited {sample.Latency.TotalMilliseconds:N0} ms on the hung database"));
        Assert.All(s_databaseKinds, kind => Assert.Contains(databaseDuring, sample => sample.Kind == kind && sample.Status == 503));

        // Within a bound and a bit, requests have waited it out and opened the circuit; from then on refusals are immediate.
        var open = run.CircuitOpenedAt(s_databaseKinds, s_immediate);
        Assert.True(open - run.FrozenAt <= s_databaseBound + TimeSpan.FromSeconds(1),
            $"no request was refused at once until {(open - run.FrozenAt).TotalSeconds:N1} s into the hang");
        var whileOpen = databaseDuring.Where(sample => sample.At >= open && sample.Status == 503).ToList();
        Assert.True(TrafficRecorder.Percentile(whileOpen, 50) <= s_immediate.TotalMilliseconds,
            $"with the circuit open, half the refusals took over {TrafficRecorder.Percentile(whileOpen, 50):N0} ms");

        Assert.True(run.StatusAfterFreeze("Unhealthy") <= TimeSpan.FromSeconds(3), $"/health said Unhealthy {run.StatusAfterFreeze("Unhealthy").TotalSeconds:N1} s into the hang");
        Assert.True(run.HealthyAfterThaw() <= TimeSpan.FromSeconds(3), $"/health said Healthy {run.HealthyAfterThaw().TotalSeconds:N1} s after the thaw");
        Assert.All(run.Alive, probe => Assert.Equal(200, probe.Status));
        AssertRecoveredWithin2Seconds(run, "create", 201);
    }

    [Fact]
    public async Task While_redis_hangs_reads_keep_their_pace_and_once_its_circuit_is_open_nothing_waits_on_it()
    {
        var run = await RunThroughHangAsync("cache", writers: 80);

        var readsBefore = run.Before("cached read");
        var readsDuring = run.During("cached read");
        // The first operations wait out the time limit until the circuit opens; after that no read waits on Redis.
        var onceOpen = run.During().Where(sample => sample.At >= run.FrozenAt + TimeSpan.FromSeconds(2)).ToList();
        var readsOnceOpen = onceOpen.Where(sample => sample.Kind is "cached read" or "uncached read" or "list").ToList();
        run.Report(output, 80);
        Assert.True(run.Rate(readsDuring) >= 0.5 * run.Rate(readsBefore),
            $"reads fell from {run.Rate(readsBefore):N0}/s to {run.Rate(readsDuring):N0}/s during the hang");
        Assert.All(run.During(), sample => Assert.True(sample.Status is 200 or 201 or 404, $"{sample.Kind} answered {sample.Status} during the hang"));
        Assert.True(TrafficRecorder.Percentile(readsOnceOpen, 99) <= Math.Max(100, 3 * TrafficRecorder.Percentile(run.Before("uncached read"), 99)),
            $"reads p99 {TrafficRecorder.Percentile(readsOnceOpen, 99):N0} ms with the circuit open");
        Assert.All(readsOnceOpen, read => Assert.True(read.Latency < s_cacheBound,
            $"a {read.Kind} took {read.Latency.TotalMilliseconds:N0} ms with the circuit open"));
        // A write still tries its invalidation, once, for at most the time limit: a skipped one is what serves stale data.
        Assert.All(onceOpen.Where(sample => sample.Kind is "create" or "patch"), write => Assert.True(write.Latency <= s_cacheBound + s_databaseWork + s_margin,
            $"a {write.Kind} took {write.Latency.TotalMilliseconds:N0} ms with the circuit open"));
        Assert.True(run.StatusAfterFreeze("Degraded") <= TimeSpan.FromSeconds(3), $"/health said Degraded {run.StatusAfterFreeze("Degraded").TotalSeconds:N1} s into the hang");
        Assert.True(run.HealthyAfterThaw() <= TimeSpan.FromSeconds(3), $"/health said Healthy {run.HealthyAfterThaw().TotalSeconds:N1} s after the thaw");
        Assert.All(run.Alive, probe => Assert.Equal(200, probe.Status));
        AssertRecoveredWithin2Seconds(run, "cached read", 200);
        var cachedAgain = run.Samples.FirstOrDefault(sample => sample.Kind == "cached read" && sample.At >= run.ThawedAt && sample.FromCache);
        Assert.True(cachedAgain is not null && cachedAgain.At - run.ThawedAt <= TimeSpan.FromSeconds(2),
            $"the cache served again {(cachedAgain?.At - run.ThawedAt)?.TotalSeconds:N1} s after the thaw");
    }

    /// <summary>
    /// The freeze stops every process of the server, those forked while it was being frozen included: clients keep
    /// opening connections throughout, each a new backend. Checked from the process table, not from the freezer's word.
    /// </summary>
    [Fact]
    public async Task A_frozen_server_has_no_process_left_running_even_while_it_forks()
    {
        using var stop = new CancellationTokenSource();
        // Each client keeps its newest connections open, so a backend forked around the freeze is still there to be seen.
        var connecting = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var open = new Queue<Npgsql.NpgsqlConnection>();
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var connection = new Npgsql.NpgsqlConnection($"{faults.TodosConnectionString};Pooling=false;Timeout=1");
                    open.Enqueue(connection);
                    await connection.OpenAsync(stop.Token);
                    if (open.Count > 8)
                    {
                        await open.Dequeue().DisposeAsync();
                    }
                }
            }
            catch (Exception exception) when (exception is Npgsql.NpgsqlException or OperationCanceledException or TimeoutException)
            {
            }
            finally
            {
                foreach (var connection in open)
                {
                    await connection.DisposeAsync();
                }
            }
        })).ToList();
        await Task.Delay(500);

        await faults.Servers.FreezeAsync("postgres");
        IReadOnlyDictionary<int, char> frozen;
        try
        {
            frozen = ServerFreezer.States(faults.Servers, "postgres");
        }
        finally
        {
            await faults.Servers.ThawAsync("postgres");
            await stop.CancelAsync();
            await Task.WhenAll(connecting).WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.True(frozen.Count > 1, "the server had no process besides the postmaster");
        Assert.All(frozen, process => Assert.True(process.Value is 'T' or 'Z', $"process {process.Key} was in state {process.Value}"));
        Assert.DoesNotContain(ServerFreezer.States(faults.Servers, "postgres").Values, state => state == 'T');
    }

    /// <summary>A thawed server is used again within 2 s, and no request that began after that failed.</summary>
    private static void AssertRecoveredWithin2Seconds(HangRun run, string kind, int success)
    {
        var firstSuccess = run.Samples.Where(sample => sample.Kind == kind && sample.At >= run.ThawedAt && sample.Status == success)
            .Select(sample => sample.At + sample.Latency).DefaultIfEmpty(TimeSpan.MaxValue).Min();
        Assert.True(firstSuccess - run.ThawedAt <= TimeSpan.FromSeconds(2), $"the first {kind} succeeded {(firstSuccess - run.ThawedAt).TotalSeconds:N1} s after the thaw");
        Assert.All(run.Samples.Where(sample => sample.At >= firstSuccess), sample =>
            Assert.True(sample.Status is 200 or 201 or 404, $"{sample.Kind} at {sample.At.TotalSeconds:N1} s answered {sample.Status} after recovery"));
    }

    private async Task<HangRun> RunThroughHangAsync(string server, int writers)
    {
        var client = _client;
        var cached = await client.CreateTodoAsync();
        var path = $"/todos/{cached.TodoId}";
        (await client.GetAsync(path)).Dispose();
        var patched = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => client.CreateTodoAsync()));
        // The writers are two users besides the readers' (one caller's share holds 64 requests in progress): each of
        // them keeps all its creates in progress, and the readers' share stays theirs.
        var writerUsers = Enumerable.Range(0, 2).Select(_ => TestTokens.Shared.Client(_api.BaseAddress, $"writer-{Guid.NewGuid():N}")).ToList();
        var writerClients = Enumerable.Range(0, writers).Select(writer => writerUsers[writer % writerUsers.Count]).ToList();
        var clock = Stopwatch.StartNew();
        var samples = new ConcurrentQueue<Sample>();
        var health = new ConcurrentQueue<(TimeSpan At, string Status)>();
        using var stop = new CancellationTokenSource();

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
                    status = await response.RecordedStatusAsync();
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

        var patches = 0;
        var traffic = Enumerable.Range(0, Readers).Select(_ => Task.Run(() => Loop("cached read", () => client.GetAsync(path), TimeSpan.Zero)))
            .Concat(writerClients.Select(writer => Task.Run(() => Loop("create", () => writer.PostAsJsonAsync("/todos", TodoTestData.ValidBody()), TimeSpan.Zero))))
            // A todo nobody has: PostgreSQL answers 404, and no 404 is cached.
            .Append(Task.Run(() => Loop("uncached read", () => client.GetAsync($"/todos/{Guid.CreateVersion7()}"), TimeSpan.FromMilliseconds(20))))
            .Append(Task.Run(() => Loop("list", () => client.GetAsync($"/todos?userEmail={Uri.EscapeDataString(TodoTestData.NewOwner())}"), TimeSpan.FromMilliseconds(20))))
            .Concat(patched.Select(todo => Task.Run(() => Loop("patch",
                () => client.PatchAsJsonAsync($"/todos/{todo.TodoId}", new { title = $"Patch {Interlocked.Increment(ref patches)}" }), TimeSpan.FromMilliseconds(20)))))
            .Append(Task.Run(() => Loop("alive", () => client.GetAsync("/alive"), TimeSpan.FromMilliseconds(100))))
            .Append(Task.Run(WatchHealth))
            .ToList();

        await Task.Delay(s_before);
        var frozenAt = clock.Elapsed;
        await faults.Servers.FreezeAsync(server);
        try
        {
            await Task.Delay(s_hang);
        }
        finally
        {
            await faults.Servers.ThawAsync(server);
        }
        var thawedAt = clock.Elapsed;
        output.WriteLine($"{server} frozen at {DateTime.Now - (clock.Elapsed - frozenAt):HH:mm:ss.fff}, thawed at {DateTime.Now:HH:mm:ss.fff}");
        await Task.Delay(s_after);
        await stop.CancelAsync();
        await Task.WhenAll(traffic).WaitAsync(TimeSpan.FromMinutes(1));
        writerUsers.ForEach(writer => writer.Dispose());
        return new HangRun([.. samples], [.. health], frozenAt, thawedAt);
    }

    private sealed record HangRun(IReadOnlyList<Sample> Samples, IReadOnlyList<(TimeSpan At, string Status)> Health, TimeSpan FrozenAt, TimeSpan ThawedAt)
    {
        public IEnumerable<Sample> Alive => Samples.Where(sample => sample.Kind == "alive");

        public List<Sample> Before(string kind) => [.. Samples.Where(sample => sample.Kind == kind && sample.At < FrozenAt)];

        public List<Sample> During(string? kind = null) =>
            [.. Samples.Where(sample => (kind is null ? sample.Kind != "alive" : sample.Kind == kind) && sample.At >= FrozenAt && sample.At < ThawedAt)];

        /// <summary>Requests a second over the window the samples come from (before, or during the hang).</summary>
        public double Rate(IReadOnlyCollection<Sample> samples) =>
            samples.Count / (samples.All(sample => sample.At < FrozenAt) ? FrozenAt.TotalSeconds : (ThawedAt - FrozenAt).TotalSeconds);

        /// <summary>When the first request of these kinds was refused without waiting: the circuit was open.</summary>
        public TimeSpan CircuitOpenedAt(IReadOnlyCollection<string> kinds, TimeSpan immediate) =>
            During().Where(sample => kinds.Contains(sample.Kind) && sample.Status == 503 && sample.Latency <= immediate)
                .Select(sample => sample.At).DefaultIfEmpty(TimeSpan.MaxValue).Min();

        public TimeSpan StatusAfterFreeze(string status) =>
            Health.Where(report => report.At >= FrozenAt && report.At < ThawedAt && report.Status == status)
                .Select(report => report.At - FrozenAt).DefaultIfEmpty(TimeSpan.MaxValue).Min();

        public TimeSpan HealthyAfterThaw() =>
            Health.Where(report => report.At >= ThawedAt && report.Status == "Healthy")
                .Select(report => report.At - ThawedAt).DefaultIfEmpty(TimeSpan.MaxValue).Min();

        public void Report(ITestOutputHelper output, int writers)
        {
            foreach (var (name, samples) in new[] { ("before", Samples.Where(sample => sample.At < FrozenAt)), ("during", During()), ("after", Samples.Where(sample => sample.At >= ThawedAt)) })
            {
                foreach (var kind in samples.Where(sample => sample.Kind != "alive").GroupBy(sample => sample.Kind))
                {
                    var list = kind.ToList();
                    output.WriteLine($"{writers} writers, {name}, {kind.Key}: {list.Count} (p50 {TrafficRecorder.Percentile(list, 50):N0} ms, " +
                        $"p99 {TrafficRecorder.Percentile(list, 99):N0} ms, slowest {list.Max(sample => sample.Latency.TotalMilliseconds):N0} ms; " +
                        string.Join(", ", list.GroupBy(sample => sample.Status).OrderBy(status => status.Key).Select(status => $"{status.Count()} × {status.Key}")) + ")");
                }
            }
            foreach (var failed in Samples.Where(sample => sample.At < FrozenAt && sample.Status is not (200 or 201 or 404)).Take(5))
            {
                output.WriteLine($"before the freeze: {failed.Kind} at {failed.At.TotalSeconds:N2} s answered {failed.Status} in {failed.Latency.TotalMilliseconds:N0} ms");
            }
            output.WriteLine($"/health: {StatusAfterFreeze("Unhealthy").TotalSeconds:N1} s to Unhealthy, {StatusAfterFreeze("Degraded").TotalSeconds:N1} s to Degraded, " +
                $"{HealthyAfterThaw().TotalSeconds:N1} s to Healthy after the thaw; /alive {Alive.Count()} probes, {Alive.Count(probe => probe.Status != 200)} not 200, " +
                $"slowest {Alive.Max(probe => probe.Latency.TotalMilliseconds):N0} ms");
        }
    }
}
