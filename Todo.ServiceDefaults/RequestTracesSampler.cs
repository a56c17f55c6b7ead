using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Traces requests, and only what they do. A call out (a database or Redis command, an HTTP request) that no request
/// made is not traced: the health report's probes every second, the Redis client's keep-alives, background retries.
/// As traces of their own they buried the requests on the dashboard's Traces page; their metrics, logs and the health
/// report stay. A request is traced even when its caller did not sample its own span.
/// </summary>
public sealed class RequestTracesSampler : Sampler
{
    private static readonly SamplingResult s_drop = new(SamplingDecision.Drop);
    private static readonly SamplingResult s_sample = new(SamplingDecision.RecordAndSample);

    private RequestTracesSampler()
    {
    }

    /// <summary>Spans within the process follow their parent; the rest are decided here.</summary>
    public static Sampler Create()
    {
        var sampler = new RequestTracesSampler();
        return new ParentBasedSampler(sampler, remoteParentSampled: null, remoteParentNotSampled: sampler);
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Kind == ActivityKind.Client ? s_drop : s_sample;
}
