using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Todo.Api.Data;

namespace Todo.Api.Todos;

/// <summary>
/// Readies a new instance for its first burst. Without it, the first concurrent requests each compiled the same EF Core
/// queries, built the routes and initialised the serializers at once, blocking the thread pool for seconds,
/// <c>/alive</c> included. Neither step ever stops the start: an API that cannot reach PostgreSQL yet still listens
/// and answers 503 until it can.
/// </summary>
public static class TodoWarmUp
{
    private static readonly TimeSpan s_timeLimit = TimeSpan.FromSeconds(10);

    private static readonly TodoRequest s_todo = new()
    {
        Title = "Warm-up", Description = "Warm-up", DueDate = "2030-01-01", Status = "pending", UserEmail = "warm-up@example.com",
    };

    /// <summary>Before the API listens: every handler once, writes included, in a transaction that is rolled back.</summary>
    public static Task WarmUpTodoHandlersAsync(this WebApplication app) =>
        WithinTimeLimitAsync(app, "handlers", cancellationToken => RunEveryHandlerAsync(app.Services, cancellationToken));

    /// <summary>Once it listens: a request that changes nothing to each todo route, through the whole pipeline.</summary>
    public static Task WarmUpTodoRoutesAsync(this WebApplication app) =>
        WithinTimeLimitAsync(app, "routes", cancellationToken => RequestEveryRouteAsync(app, cancellationToken));

    private static async Task WithinTimeLimitAsync(WebApplication app, string part, Func<CancellationToken, Task> warmUp)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(app.Lifetime.ApplicationStopping);
        timeout.CancelAfter(s_timeLimit);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await warmUp(timeout.Token);
            app.Logger.LogInformation("Warmed up the todo {Part} in {Milliseconds:0} ms.", part, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception exception) when (exception is DbException or DbUpdateException or HttpRequestException or TimeoutException or OperationCanceledException)
        {
            app.Logger.LogWarning("Warm-up of the todo {Part} cut short, the first requests will be slower: {Reason}", part, exception.Message);
        }
    }

    private static async Task RequestEveryRouteAsync(WebApplication app, CancellationToken cancellationToken)
    {
        var listening = app.Urls.Select(url => new Uri(url)).FirstOrDefault(url => url.Scheme == Uri.UriSchemeHttp);
        if (listening is null)
        {
            return;
        }
        using var client = new HttpClient { BaseAddress = new UriBuilder(listening) { Host = "localhost" }.Uri };
        var missing = $"/todos/{Guid.CreateVersion7()}";
        var valid = JsonSerializer.Serialize(s_todo, TodoJsonContext.Default.TodoRequest);
        (HttpMethod Method, string Path, string? Body)[] requests =
        [
            (HttpMethod.Get, missing, null),
            (HttpMethod.Get, $"/todos?limit=1&after={Guid.CreateVersion7()}", null),
            (HttpMethod.Post, "/todos", """{"title":""}"""),
            (HttpMethod.Put, missing, valid),
            (HttpMethod.Patch, missing, "{}"),
            (HttpMethod.Delete, missing, null),
        ];
        foreach (var (method, path, body) in requests)
        {
            using var request = new HttpRequestMessage(method, path);
            request.Content = body is null ? null : new StringContent(body, System.Text.Encoding.UTF8, "application/json");
            using var response = await client.SendAsync(request, cancellationToken);
        }
    }

    private static async Task RunEveryHandlerAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TodoDbContext>();
        // Rolled back, so nothing is stale: invalidating would empty every instance's list pages at each start.
        var cache = TodoCacheEviction.None;
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var create = Context(scope);
        create.Request.Headers[IdempotencyKeys.HeaderName] = $"warm-up-{Guid.CreateVersion7()}";
        var created = (await TodoCommands.CreateTodo(s_todo, create, db, cache, clock, cancellationToken)).Result;
        await created.ExecuteAsync(create);
        var id = ((Created<TodoResponse>)created).Value!.TodoId.ToString();

        await ExecuteAsync(scope, context => TodoCommands.CreateTodo(s_todo with { Title = "" }, context, db, cache, clock, cancellationToken));
        await ExecuteAsync(scope, context => TodoQueries.GetTodo(id, db, context.Response, cancellationToken));
        await ExecuteAsync(scope, context => TodoQueries.GetTodo($"{Guid.Empty}", db, context.Response, cancellationToken));
        foreach (var status in new[] { null, s_todo.Status })
        {
            foreach (var owner in new[] { null, s_todo.UserEmail })
            {
                foreach (var after in new[] { null, id })
                {
                    await ExecuteAsync(scope, context => TodoQueries.ListTodos(status, owner, null, after, db, context.Response, cancellationToken));
                }
            }
        }
        using var patch = JsonDocument.Parse("""{"description":"Warm-up"}""");
        await ExecuteAsync(scope, context => TodoCommands.PatchTodo(id, patch.RootElement, context, db, cache, clock, cancellationToken));
        await ExecuteAsync(scope, context => TodoCommands.ReplaceTodo(id, s_todo, context, db, cache, clock, cancellationToken));
        await ExecuteAsync(scope, context => TodoCommands.DeleteTodo(id, context.Request, db, cache, cancellationToken));

        await transaction.RollbackAsync(cancellationToken);
    }

    private static async Task ExecuteAsync<TResult>(AsyncServiceScope scope, Func<HttpContext, Task<TResult>> handler)
        where TResult : INestedHttpResult
    {
        var context = Context(scope);
        await (await handler(context)).Result.ExecuteAsync(context);
    }

    private static DefaultHttpContext Context(AsyncServiceScope scope) =>
        new() { RequestServices = scope.ServiceProvider, Response = { Body = Stream.Null } };
}
