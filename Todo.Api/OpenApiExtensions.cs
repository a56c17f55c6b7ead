namespace Todo.Api;

public static class OpenApiExtensions
{
    public static IHostApplicationBuilder AddTodoOpenApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi();
        return builder;
    }

    /// <summary>The document at <c>/openapi/v1.json</c> in every environment; Swagger UI at <c>/swagger</c> in Development.</summary>
    public static WebApplication MapTodoOpenApi(this WebApplication app)
    {
        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            app.UseSwaggerUI(options => options.SwaggerEndpoint("/openapi/v1.json", "Todo API"));
        }
        return app;
    }
}
