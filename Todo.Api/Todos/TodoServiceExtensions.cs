using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OpenTelemetry.Metrics;

namespace Todo.Api.Todos;

public static class TodoServiceExtensions
{
    /// <summary>The JSON contract of the todo endpoints and the services their handlers use.</summary>
    public static IHostApplicationBuilder AddTodos(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, TodoJsonContext.Default);
            options.SerializerOptions.MaxDepth = TodoJsonContext.MaxDepth;
            options.SerializerOptions.Encoder = Utf8JsonEncoder.Instance;
        });
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = TodoLimits.MaxRequestBodyBytes;
            builder.Configuration.GetSection("Kestrel:Limits").Bind(kestrel.Limits);
        });
        builder.Services.AddScoped<TodoStore>();
        builder.Services.AddSingleton<TodoGroupCommit>();
        // Before the warm-up, whose create it commits.
        builder.Services.AddHostedService(services => services.GetRequiredService<TodoGroupCommit>());
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(TodoGroupCommit.MeterName));
        builder.Services.AddSingleton<TodoWarmUp.Routes>();
        builder.Services.AddHostedService<TodoWarmUp>();
        return builder;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TodoRequest))]
[JsonSerializable(typeof(TodoResponse))]
[JsonSerializable(typeof(List<TodoResponse>))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class TodoJsonContext : JsonSerializerContext
{
    /// <summary>A todo is flat; anything nested deeper than this is rejected while it is read.</summary>
    public const int MaxDepth = 16;
}
