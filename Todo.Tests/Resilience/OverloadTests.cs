using System.Diagnostics;
using System.Net;
using Todo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Todo.Tests.Resilience;

/// <summary>
/// Four times the load the API can take: the excess is refused fast with 503 and Retry-After, the health endpoints
/// keep answering as fast as under normal load (the workshop's tasks were killed because they did not), and afterwards
/// all is well.
/// </summary>
[Collection(FaultCollection.Name)]
[Trait("Category", "Resilience")]
[Trait("Category", "Slow")]
public sealed class OverloadTests(FaultServers faults, ITestOutputHelper output)
{
    private const int ConcurrencyLimit = 4;
    private const int QueueLimit = 4;

    [Fact]
    public async Task At_four_times_capacity_excess_is_refused_quickly_and_health_answers_as_fast_as_under_normal_load()
    {
        await using var api = await faults.Servers.StartApiProcessAsync(new Dictionary<string, string>
        {
            ["OutputCache:Enabled"] = "false",
            ["Overload:ConcurrencyLimit"] = $"{ConcurrencyLimit}",
            ["Overload:QueueLimit"] = $"{QueueLimit}",
        });
        var owner = TodoTestData.NewOwner();
        var list = $"/todos?userEmail={Uri.EscapeDataString(owner)}&limit=50";
        for (var i = 0; i < 50; i++)
        {
            await api.Client.CreateTodoAsync(owner);
        }

        // The load balancer's view: probes from a thread and connection of their own, not queued behind the load,
        // first under the load the API can take (the control), then under four times that.
        var controlProbes = new List<Sample>();
        var normal = new TrafficRecorder();
        using (var stopNormal = new CancellationTokenSource(TimeSpan.FromSeconds(4)))
        {
            var controlProbing = Task.Factory.StartNew(() => Probe(api.BaseAddress, controlProbes, stopNormal.Token), TaskCreationOptions.LongRunning);
            await Task.WhenAll(Load(normal, api, list, clients: ConcurrencyLimit, stopNormal.Token), controlProbing);
        }
        var overload = new TrafficRecorder();
        using var stopOverload = new CancellationTokenSource(TimeSpan.FromSeconds(6));
        var probes = new List<Sample>();
        var probing = Task.Factory.StartNew(() => Probe(api.BaseAddress, probes, stopOverload.Token), TaskCreationOptions.LongRunning);
        await Task.WhenAll(Load(overload, api, list, clients: 4 * (ConcurrencyLimit + QueueLimit), stopOverload.Token), probing);
        var after = await LoadAsync(api, list, clients: ConcurrencyLimit, TimeSpan.FromSeconds(3));

        var refused = overload.Samples.Where(sample => sample.Status == 503).ToList();
        var served = overload.Samples.Where(sample => sample.Status == 200).ToList();
        var controlP99 = TrafficRecorder.Percentile(controlProbes, 99);
        var probeP99 = TrafficRecorder.Percentile(probes, 99);
        output.WriteLine($"Normal load: {normal.Samples.Count} requests, {Failures(normal.Samples)} failed, p99 {TrafficRecorder.Percentile(normal.Samples, 99):N1} ms; " +
            $"health probes p99 {controlP99:N1} ms.");
        output.WriteLine($"Overload: {overload.Samples.Count} requests, {served.Count} served (p99 {TrafficRecorder.Percentile(served, 99):N1} ms), " +
            $"{refused.Count} refused with 503 (p99 {TrafficRecorder.Percentile(refused, 99):N1} ms).");
        output.WriteLine($"Health during overload: {probes.Count} probes, p99 {TrafficRecorder.Percentile(probes, 99):N1} ms, " +
            $"slowest {string.Join(", ", probes.OrderByDescending(probe => probe.Latency).Take(3).Select(probe => $"{probe.Kind} {probe.Latency.TotalMilliseconds:N1} ms at {probe.At.TotalSeconds:N1} s"))}.");
        output.WriteLine($"After: {after.Count} requests, {Failures(after)} failed.");

        Assert.Equal(0, Failures(normal.Samples));
        Assert.NotEmpty(refused);
        Assert.NotEmpty(served);
        Assert.All(overload.Samples, sample => Assert.True(sample.Status is 200 or 503, $"an overload request answered {sample.Status}"));
        // Refusing is quicker than serving, in the same seconds; a probe under overload is about as quick as under load
        // the API can take (a few milliseconds of slack for a control that may be a millisecond).
        Assert.True(TrafficRecorder.Percentile(refused, 99) <= TrafficRecorder.Percentile(served, 99),
            $"refusals p99 {TrafficRecorder.Percentile(refused, 99):N1} ms vs served p99 {TrafficRecorder.Percentile(served, 99):N1} ms");
        Assert.All(probes, probe => Assert.Equal(200, probe.Status));
        Assert.True(probeP99 <= 3 * controlP99 + 10, $"health probes p99 {probeP99:N1} ms under overload vs {controlP99:N1} ms under normal load");
        Assert.Equal(0, Failures(after));
    }

    private static void Probe(Uri api, List<Sample> probes, CancellationToken stop)
    {
        using var client = new HttpClient { BaseAddress = api };
        var clock = Stopwatch.StartNew();
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var path = n % 2 == 0 ? "/alive" : "/health";
            var started = clock.Elapsed;
            using var response = client.Send(new HttpRequestMessage(HttpMethod.Get, path));
            probes.Add(new Sample(started, path, (int)response.StatusCode, clock.Elapsed - started));
            Thread.Sleep(50);
        }
    }

    private static int Failures(IEnumerable<Sample> samples) => samples.Count(sample => sample.Status != 200);

    private static async Task<IReadOnlyList<Sample>> LoadAsync(ApiProcess api, string path, int clients, TimeSpan duration)
    {
        var recorder = new TrafficRecorder();
        using var stop = new CancellationTokenSource(duration);
        await Load(recorder, api, path, clients, stop.Token);
        return recorder.Samples;
    }

    private static Task Load(TrafficRecorder recorder, ApiProcess api, string path, int clients, CancellationToken stop) =>
        recorder.RunAsync(clients, async _ =>
        {
            using var response = await api.Client.GetAsync(path);
            return ("list", await response.RecordedStatusAsync());
        }, stop);
}
