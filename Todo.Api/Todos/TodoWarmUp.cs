using System.Diagnostics;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing.Patterns;
using Todo.Api.Identity;

namespace Todo.Api.Todos;

/// <summary>
/// Readies a new instance for its first burst. Without it, the first concurrent requests each compiled the same EF Core
/// queries, built the routes and initialised the serializers at once, blocking the thread pool for seconds,
/// <c>/alive</c> included. It runs every endpoint marked with <see cref="Marker"/>, so a new route in the group is
/// warmed without an edit here. Neither step ever stops the start: an API that cannot reach PostgreSQL yet still listens
/// and answers 503 until it can.
/// </summary>
public sealed partial class TodoWarmUp(
    IServiceProvider services, TodoWarmUp.Routes routes, IServer server, IHostApplicationLifetime lifetime, ILogger<TodoWarmUp> logger)
    : IHostedLifecycleService
{
    /// <summary>Endpoint metadata: warm this endpoint up.</summary>
    public static readonly object Marker = new();

    /// <summary>
    /// Warms up the marked endpoints of <paramref name="app"/>. Routing sees an application's endpoints only once the
    /// server starts, and the handlers are warmed before that.
    /// </summary>
    public static void Include(IEndpointRouteBuilder app) => app.ServiceProvider.GetRequiredService<Routes>().Builders.Add(app);

    private static readonly TimeSpan s_timeLimit = TimeSpan.FromSeconds(10);
    private const string Email = "warm-up@example.com";

    /// <summary>
    /// One key for every start: a todo left by a start that was cut short (or by another instance starting at once) is
    /// replayed instead of a second one created, and deleted at the end like the warm-up's own.
    /// </summary>
    private const string IdempotencyKey = "warm-up";

    /// <summary>The handlers run as a caller of their own; the pipeline's authorization is warmed by the second part.</summary>
    private static readonly ClaimsPrincipal s_caller = new(new ClaimsIdentity([new Claim(TodoCallers.SubjectClaim, "warm-up")], "warm-up"));

    private static readonly string s_todo = JsonSerializer.Serialize(new TodoRequest
    {
        Title = "Warm-up", Description = "Warm-up", DueDate = "2030-01-01", Status = TodoStatusNames.Pending, UserEmail = Email,
    }, TodoJsonContext.Default.TodoRequest);

    // Writes first, so the reads and changes after them find a todo; the delete last.
    private static readonly string[] s_methodOrder = [HttpMethods.Post, HttpMethods.Get, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete];

    /// <summary>
    /// Before the API listens: every endpoint once, through the services a request gets. The writes are real, on a todo
    /// of the warm-up's own owner that the delete removes: they evict only that owner's entries and the list pages
    /// across owners, and an admin listing every owner's todos during a start may see it.
    /// </summary>
    public Task StartingAsync(CancellationToken cancellationToken) => WithinTimeLimitAsync("handlers", RunEveryEndpointAsync);

    /// <summary>
    /// Once it listens: a request that changes nothing to each endpoint, through the pipeline as far as a request
    /// without a token goes (routing, authentication, the 401 problem details).
    /// </summary>
    public Task StartedAsync(CancellationToken cancellationToken) => WithinTimeLimitAsync("routes", RequestEveryRouteAsync);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private List<(RouteEndpoint Endpoint, string Method)> WarmedEndpoints() =>
    [
        .. from endpoint in routes.Builders.SelectMany(builder => builder.DataSources).SelectMany(source => source.Endpoints).OfType<RouteEndpoint>()
           where endpoint.Metadata.Contains(Marker)
           from method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []
           orderby Array.IndexOf(s_methodOrder, method)
           select (endpoint, method),
    ];

    private async Task WithinTimeLimitAsync(string part, Func<List<(RouteEndpoint Endpoint, string Method)>, CancellationToken, Task> warmUp)
    {
        var endpoints = WarmedEndpoints();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        timeout.CancelAfter(s_timeLimit);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await warmUp(endpoints, timeout.Token);
            LogWarmedUp(part, endpoints.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception exception)
        {
            // Whatever went wrong, the API starts: it answers what it can, and 503 while PostgreSQL is away.
            LogCutShort(part, exception.GetType().Name, exception.Message);
        }
    }

    private async Task RunEveryEndpointAsync(List<(RouteEndpoint Endpoint, string Method)> endpoints, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var id = Guid.Empty.ToString();
        foreach (var (endpoint, method) in endpoints)
        {
            var parameters = endpoint.RoutePattern.Parameters;
            // A collection is read as is and filtered by every query parameter; an item by the todo created first.
            foreach (var query in parameters.Count == 0 && method == HttpMethods.Get ? ["", $"?status={TodoStatusNames.Pending}&userEmail={Email}&limit=1&after={id}"] : new[] { "" })
            {
                var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider, RequestAborted = cancellationToken, User = s_caller, Response = { Body = Stream.Null } };
                context.Request.Headers[IdempotencyKeys.HeaderName] = IdempotencyKey;
                Describe(context.Request, endpoint.RoutePattern, method, id, query, method == HttpMethods.Get || method == HttpMethods.Delete ? null : s_todo);
                await endpoint.RequestDelegate!(context);
                if (context.Response.Headers.Location.ToString() is { Length: > 0 } created)
                {
                    id = created[(created.LastIndexOf('/') + 1)..];
                }
            }
        }
    }

    private async Task RequestEveryRouteAsync(List<(RouteEndpoint Endpoint, string Method)> endpoints, CancellationToken cancellationToken)
    {
        var listening = server.Features.Get<IServerAddressesFeature>()?.Addresses.Select(address => new Uri(address))
            .FirstOrDefault(address => address.Scheme == Uri.UriSchemeHttp);
        if (listening is null)
        {
            return;
        }
        using var client = new HttpClient { BaseAddress = new UriBuilder(listening) { Host = "localhost" }.Uri };
        var missing = Guid.CreateVersion7().ToString();
        foreach (var (endpoint, method) in endpoints)
        {
            // Nothing changes: an item that does not exist, or a body that is refused.
            var path = Path(endpoint.RoutePattern, missing);
            var body = method == HttpMethods.Get || method == HttpMethods.Delete ? null : endpoint.RoutePattern.Parameters.Count > 0 ? s_todo : "{}";
            using var request = new HttpRequestMessage(new HttpMethod(method), method == HttpMethods.Get ? $"{path}?limit=1&after={missing}" : path)
            {
                Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"),
            };
            using var response = await client.SendAsync(request, cancellationToken);
        }
    }

    private static void Describe(HttpRequest request, RoutePattern pattern, string method, string id, string query, string? body)
    {
        request.Method = method;
        request.Path = Path(pattern, id);
        request.QueryString = new QueryString(query.Length == 0 ? null : query);
        foreach (var parameter in pattern.Parameters)
        {
            request.RouteValues[parameter.Name] = id;
        }
        if (body is not null)
        {
            request.HttpContext.Features.Set<IHttpRequestBodyDetectionFeature>(new HasBody());
            request.ContentType = "application/json";
            request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
            request.ContentLength = request.Body.Length;
        }
    }

    /// <summary>The pattern's path with every route parameter set to <paramref name="id"/>.</summary>
    private static string Path(RoutePattern pattern, string id) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart => id,
            _ => "",
        }))));

    [LoggerMessage(Level = LogLevel.Information, Message = "Warmed up the todo {Part} of {Endpoints} endpoints in {Milliseconds:0} ms.")]
    private partial void LogWarmedUp(string part, int endpoints, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warm-up of the todo {Part} cut short, the first requests will be slower: {ExceptionType}: {Reason}")]
    private partial void LogCutShort(string part, string exceptionType, string reason);

    private sealed class HasBody : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => true;
    }

    /// <summary>The route builders whose endpoints are warmed.</summary>
    public sealed class Routes
    {
        public List<IEndpointRouteBuilder> Builders { get; } = [];
    }
}
