using System.Diagnostics;

namespace Todo.Api.Data;

/// <summary>
/// When a request that may need PostgreSQL came past the cache: <c>Database:RequestTimeout</c> counts from then, so the
/// time it spent queued for a permit of the overload limiter (whose permits requests waiting on a hung database hold)
/// is part of its bound, not added to it.
/// </summary>
public sealed class DatabaseDeadline(long startedAt)
{
    /// <summary>A <see cref="Stopwatch"/> timestamp.</summary>
    public long StartedAt { get; } = startedAt;

    /// <summary>What is left of <paramref name="bound"/> for <paramref name="context"/>, all of it for a request never stamped.</summary>
    public static TimeSpan Remaining(HttpContext context, TimeSpan bound) =>
        context.Features.Get<DatabaseDeadline>() is { } deadline ? bound - Stopwatch.GetElapsedTime(deadline.StartedAt) : bound;
}

public static class DatabaseDeadlineExtensions
{
    /// <summary>Stamps each request that reaches this point; after the cache, so cache hits pay nothing for it.</summary>
    public static IApplicationBuilder UseDatabaseDeadline(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Features.Set(new DatabaseDeadline(Stopwatch.GetTimestamp()));
        return next(context);
    });
}
