using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;

namespace Todo.Api;

public static class OpenApiExtensions
{
    private const string BearerScheme = "Bearer";

    /// <summary>The document, with the bearer scheme every route that needs a token names.</summary>
    public static IHostApplicationBuilder AddTodoOpenApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Description = "Todos of the caller (the subject of a bearer token); every owner's with the admin scope.";
                foreach (var server in document.Servers ?? [])
                {
                    server.Url = server.Url?.TrimEnd('/');
                }
                foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
                {
                    tag.Description ??= tag.Name == "Todos" ? "The caller's todos: create, read, list, replace, patch, delete." : null;
                }
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "An access token of the configured issuer: locally from `dotnet user-jwts create`, on AWS from the Cognito user pool.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any())
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
                }
                return Task.CompletedTask;
            });
        });
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
