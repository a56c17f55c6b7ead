using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Traces requests, and only what they do. A call out (a database or Redis command, an HTTP request) that no request
/// made is not traced: the health report's probes every second, the Redis client's keep-alives, background retries.
/// As traces of their own they buried the requests on the dashboard's Traces page; their metrics, logs and the health
/// report stay. A request is traced even when its caller did not sample its own span. Where each trace is paid for
/// (X-Ray), <c>OTEL_TRACES_SAMPLER_ARG</c> keeps a share of the requests, chosen by trace id, so every instance keeps
/// or drops the same traces.
/// </summary>
public sealed class RequestTracesSampler : Sampler
{
    private static readonly SamplingResult s_drop = new(SamplingDecision.Drop);
    private static readonly SamplingResult s_sample = new(SamplingDecision.RecordAndSample);
    private readonly Sampler? _requests;

    private RequestTracesSampler(double ratio) => _requests = ratio >= 1 ? null : new TraceIdRatioBasedSampler(ratio);

    /// <summary>Spans within the process follow their parent; the rest are decided here, keeping <paramref name="ratio"/> of the requests.</summary>
    public static Sampler Create(double ratio = 1)
    {
        var sampler = new RequestTracesSampler(ratio);
        return new ParentBasedSampler(sampler, remoteParentSampled: null, remoteParentNotSampled: sampler);
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Kind == ActivityKind.Client ? s_drop : _requests?.ShouldSample(samplingParameters) ?? s_sample;
}
