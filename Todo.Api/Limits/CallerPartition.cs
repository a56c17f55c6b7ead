using System.Net;
using Todo.Api.Identity;

namespace Todo.Api.Limits;

/// <summary>Whose share a request uses: its token's subject, or its client's address when it carries no token.</summary>
public readonly record struct CallerPartition(string? Subject, IPAddress? Address)
{
    /// <summary>After authorization, which has authenticated the todo routes' token.</summary>
    public static CallerPartition Of(HttpContext context) =>
        context.User.FindFirst(TodoCallers.SubjectClaim)?.Value is { } subject
            ? new CallerPartition(subject, null)
            : new CallerPartition(null, context.Connection.RemoteIpAddress);
}
