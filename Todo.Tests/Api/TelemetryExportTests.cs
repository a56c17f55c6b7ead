using System.Collections.Concurrent;
using System.Net;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>
/// What the API sends to an OTLP endpoint: traces, metrics and logs, as the Aspire dashboard receives them; with
/// <c>OTEL_LOGS_EXPORTER=none</c> (on ECS, where the container's log driver carries the logs and the collector has no
/// logs pipeline) only traces and metrics.
/// </summary>
[Collection(TodoSystemCollection.Name)]
public sealed class TelemetryExportTests(TodoSystem system)
{
    [Theory]
    [InlineData(null, new[] { "/v1/logs", "/v1/metrics", "/v1/traces" })]
    [InlineData("none", new[] { "/v1/metrics", "/v1/traces" })]
    public async Task The_api_exports_the_signals_the_settings_ask_for(string? logsExporter, string[] expected)
    {
        using var receiver = new OtlpReceiver();
        var settings = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
            ["Logging:LogLevel:Default"] = "Information",
        };
        if (logsExporter is not null)
        {
            settings["OTEL_LOGS_EXPORTER"] = logsExporter;
        }
        await using var api = await system.StartApiProcessAsync(settings);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && !expected.All(receiver.Paths.Contains))
        {
            using var _ = await api.Client.GetAsync("/todos?limit=1");
            await Task.Delay(200);
        }
        await Task.Delay(1000);

        Assert.Equal(expected, receiver.Paths.Order());
    }

    /// <summary>Answers every OTLP/HTTP export with 200 and remembers which signal's path it was sent to.</summary>
    private sealed class OtlpReceiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentDictionary<string, bool> _paths = new();

        public OtlpReceiver()
        {
            Endpoint = $"http://127.0.0.1:{FreePort.OnLoopback()}";
            _listener.Prefixes.Add($"{Endpoint}/");
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public string Endpoint { get; }

        public ICollection<string> Paths => _paths.Keys;

        public void Dispose() => _listener.Close();

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                try
                {
                    var context = await _listener.GetContextAsync();
                    _paths.TryAdd(context.Request.Url!.AbsolutePath, true);
                    context.Response.StatusCode = (int)HttpStatusCode.OK;
                    context.Response.ContentType = "application/x-protobuf";
                    context.Response.Close();
                }
                catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
            }
        }
    }
}
