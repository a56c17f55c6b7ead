using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace Todo.Tests.Api;

/// <summary>Which spans the API traces: requests (a share of them by trace id, when asked), never calls out on their own.</summary>
public sealed class RequestTracesSamplerTests
{
    [Theory]
    [InlineData(1.0, 2000)]
    [InlineData(0.0, 0)]
    public void All_or_no_requests_are_traced_at_the_ends_of_the_ratio(double ratio, int expected)
    {
        Assert.Equal(expected, SampledRequests(RequestTracesSampler.Create(ratio), 2000));
    }

    [Fact]
    public void A_ratio_keeps_that_share_of_requests_and_the_same_trace_on_every_instance()
    {
        var traces = Enumerable.Range(0, 4000).Select(_ => ActivityTraceId.CreateRandom()).ToList();

        var first = traces.Where(trace => Sampled(RequestTracesSampler.Create(0.05), trace, ActivityKind.Server)).ToList();
        var second = traces.Where(trace => Sampled(RequestTracesSampler.Create(0.05), trace, ActivityKind.Server)).ToList();

        Assert.InRange(first.Count, 120, 290);
        Assert.Equal(first, second);
    }

    [Fact]
    public void A_call_out_that_no_request_made_is_never_traced()
    {
        Assert.False(Sampled(RequestTracesSampler.Create(), ActivityTraceId.CreateRandom(), ActivityKind.Client));
    }

    private static int SampledRequests(Sampler sampler, int count) =>
        Enumerable.Range(0, count).Count(_ => Sampled(sampler, ActivityTraceId.CreateRandom(), ActivityKind.Server));

    private static bool Sampled(Sampler sampler, ActivityTraceId trace, ActivityKind kind) =>
        sampler.ShouldSample(new SamplingParameters(default, trace, "GET /todos", kind)).Decision == SamplingDecision.RecordAndSample;
}
