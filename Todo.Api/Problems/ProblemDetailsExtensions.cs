using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace Todo.Api.Problems;

public static class ProblemDetailsExtensions
{
    /// <summary>Every error is RFC 9457 problem details, with the request path and trace id to find it in the dashboard.</summary>
    public static IHostApplicationBuilder AddTodoProblemDetails(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
            {
                StatusCodes.Status413PayloadTooLarge =>
                    $"The request body is larger than the {context.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize} bytes allowed.",
                StatusCodes.Status415UnsupportedMediaType =>
                    "Send the request body as application/json (application/merge-patch+json also for PATCH).",
                _ => null,
            };
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
        });
        builder.Services.AddExceptionHandler<RequestExceptionHandler>();

        // Binding failures become exceptions, so RequestExceptionHandler can name the field at fault.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return builder;
    }
}
