using Microsoft.AspNetCore.Http.HttpResults;

namespace Todo.Api.Todos;

/// <summary>The problem details the todo endpoints answer with, besides field validation.</summary>
public static class TodoProblems
{
    public static ProblemHttpResult NotFound(Guid id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Todo not found",
        detail: $"There is no todo {id}.");

    public static ProblemHttpResult PreconditionFailed(Guid id) => TypedResults.Problem(
        statusCode: StatusCodes.Status412PreconditionFailed,
        title: "The todo has changed",
        detail: $"If-Match does not match the current ETag of todo {id}; read it again and retry.");

    public static ProblemHttpResult OwnerFilterForbidden() => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "Filtering by owner is not allowed",
        detail: "Only a token with the admin scope may list other owners' todos; leave out owner to list your own.");

    public static ProblemHttpResult IdempotencyKeyReused() => TypedResults.Problem(
        statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "Idempotency-Key reused",
        detail: "This Idempotency-Key was already used to create a different todo; use a new key for a new request.");
}
