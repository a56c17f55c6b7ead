using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>
/// What the API sends to an OTLP endpoint: traces, metrics and logs, as the Aspire dashboard receives them; with
/// <c>OTEL_LOGS_EXPORTER=none</c> (on ECS, where the container's log driver carries the logs and the collector has no
/// logs pipeline) only traces and metrics.
/// </summary>
[Collection(TodoSystemCollection.Name)]
[Trait("Category", "Slow")]
public sealed class TelemetryExportTests(TodoSystem system)
{
    [Theory]
    [InlineData(null, new[] { "/v1/logs", "/v1/metrics", "/v1/traces" })]
    [InlineData("none", new[] { "/v1/metrics", "/v1/traces" })]
    public async Task The_api_exports_the_signals_the_settings_ask_for(string? logsExporter, string[] expected)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
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
    private sealed class OtlpReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentDictionary<string, bool> _paths = new();

        private OtlpReceiver(WebApplication app) => _app = app;

        public string Endpoint => _app.Urls.Single();

        public ICollection<string> Paths => _paths.Keys;

        public static async Task<OtlpReceiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var receiver = new OtlpReceiver(builder.Build());
            receiver._app.Run(context =>
            {
                receiver._paths.TryAdd(context.Request.Path, true);
                context.Response.ContentType = "application/x-protobuf";
                return Task.CompletedTask;
            });
            await receiver._app.StartAsync();
            return receiver;
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }
}
