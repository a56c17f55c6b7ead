using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Todo.Api.Data;

namespace Todo.Api.Problems;

/// <summary>
/// Answers what failed before or outside a handler with problem details: unreadable bodies (400, 413, 415)
/// field by field, and an unreachable database with 503 and <c>Retry-After</c>. Anything else stays a plain 500
/// without details, so no SQL, stack trace or type name ever reaches a client.
/// </summary>
public sealed class RequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    private const int RetryAfterSeconds = 2;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException { InnerException: JsonException json } => InvalidJson(json),
            BadHttpRequestException bad => BadRequest(bad.StatusCode),
            _ when DatabaseFailures.IsUnavailable(exception) => DatabaseUnavailable(context),
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }

        context.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static HttpValidationProblemDetails InvalidJson(JsonException json) => new(JsonErrorFields.From(json))
    {
        Status = StatusCodes.Status400BadRequest,
        Detail = json.LineNumber is { } line
            ? $"The request body is not valid JSON for a todo (line {line + 1}, byte {json.BytePositionInLine + 1})."
            : "The request body is not valid JSON for a todo.",
    };

    private static ProblemDetails BadRequest(int status) => new()
    {
        Status = status,
        Detail = status == StatusCodes.Status400BadRequest
            ? "The request could not be read: a JSON body is missing or a value is malformed."
            : null, // ProblemDetailsExtensions explains 413 and 415 wherever they come from
    };

    private static ProblemDetails DatabaseUnavailable(HttpContext context)
    {
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "The database is unavailable",
            Detail = $"The todo store cannot be reached right now; retry in {RetryAfterSeconds} seconds.",
        };
    }
}
