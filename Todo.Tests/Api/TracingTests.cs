using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.TestHost;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Todo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Todo.Tests.Api;

/// <summary>What the dashboard's Traces page receives: the requests with their queries, not the health report's probes.</summary>
[Collection(TodoSystemCollection.Name)]
[Trait("Category", "Slow")]
public sealed class TracingTests(TodoSystem system, ITestOutputHelper output)
{
    [Fact]
    public async Task Health_probes_make_no_traces_and_every_request_makes_one_with_its_queries()
    {
        var exported = new ConcurrentQueue<Activity>();
        using var collector = new RefusedPort();
        await using var api = system.StartAnotherApi(
            new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{collector.Port}" },
            web => web.ConfigureTestServices(services =>
                services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new Recorder(exported)))));
        // What the start-up warm-up traced is not the subject here (the Redis client reports its commands later).
        await Task.Delay(TimeSpan.FromSeconds(1));
        var since = DateTime.UtcNow;

        var todo = await api.Client.CreateTodoAsync();
        const int reads = 5;
        for (var i = 0; i < reads; i++)
        {
            (await api.Client.GetAsync($"/todos/{todo.TodoId}")).Dispose();
        }
        // The health report probes PostgreSQL and Redis every second: two rounds of probes. The Redis instrumentation
        // turns profiled commands into spans as it drains them, every 10 s (its FlushInterval), and only once the request
        // that made them has ended: the test waits for that drain rather than for the client's disposal.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.True(await Poll.UntilAsync(() => exported.Any(IsRedis), TimeSpan.FromSeconds(15)), "no Redis command of a request became a span");
        await api.DisposeAsync();

        var traces = exported.Where(span => span.StartTimeUtc >= since).GroupBy(span => span.TraceId).ToList();
        var requests = traces.Where(trace => trace.Any(span => span.Kind == ActivityKind.Server)).ToList();
        var others = traces.Except(requests).SelectMany(trace => trace).Select(span => $"{span.Source.Name}: {span.DisplayName}").ToList();
        output.WriteLine($"{traces.Count} traces: {requests.Count} of requests, the rest {string.Join("; ", others)}.");

        Assert.Empty(others);
        Assert.Equal(1 + reads, requests.Count);
        var spans = requests.SelectMany(trace => trace).ToList();
        Assert.Contains(spans, span => span.Source.Name == "Npgsql");
        Assert.Contains(spans, IsRedis);
    }

    private static bool IsRedis(Activity span) => span.Source.Name.Contains("StackExchangeRedis", StringComparison.Ordinal);

    [Fact]
    public async Task Without_an_exporter_the_redis_client_traces_nothing_even_for_a_listener()
    {
        var redisSpans = 0;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.Contains("StackExchangeRedis", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _ => Interlocked.Increment(ref redisSpans),
        };
        ActivitySource.AddActivityListener(listener);
        await using var api = system.StartAnotherApi(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "" });

        var todo = await api.Client.CreateTodoAsync();
        for (var i = 0; i < 5; i++)
        {
            (await api.Client.GetAsync($"/todos/{todo.TodoId}")).Dispose();
        }
        // The Redis client reports the commands it profiled every 10 s, and all of them as it is disposed.
        await api.DisposeAsync();

        Assert.Equal(0, redisSpans);
    }

    private sealed class Recorder(ConcurrentQueue<Activity> exported) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => exported.Enqueue(data);
    }
}
