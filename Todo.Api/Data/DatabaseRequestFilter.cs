using Microsoft.Extensions.Options;

namespace Todo.Api.Data;

/// <summary>
/// Around every todo handler (all of which need PostgreSQL): refused at once while the <see cref="DatabaseCircuit"/> is
/// open, and answered 503 once <c>Database:RequestTimeout</c> has passed since the request came past the cache
/// (<see cref="DatabaseDeadline"/>), whatever Npgsql is still waiting for. A request
/// that waited out the bound counts for the circuit then, not when Npgsql gives up: creates wait on a batch that a
/// single connection writes, so few commands time out on a hung server though every create waits.
/// </summary>
/// <remarks>
/// Npgsql ends a command on a hung server by itself (see <see cref="NpgsqlConnectionDefaults"/>), but only after its
/// command timeout, a cancel request and the connection timeout, each a whole number of seconds: about 3 s in all. The
/// client gets its answer at the bound instead, and the request's services, its DbContext among them, are disposed
/// only once Npgsql has let go of them, so no context is ever reused while a command still runs on it.
/// </remarks>
public sealed class DatabaseRequestFilter(DatabaseCircuit circuit, IOptions<TodoDatabaseOptions> options) : IEndpointFilter
{
    private readonly TimeSpan _bound = options.Value.RequestTimeout;

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        // A request that spent its bound queued for a permit never asked PostgreSQL anything: refused, and not counted.
        var remaining = DatabaseDeadline.Remaining(context.HttpContext, _bound);
        return remaining <= TimeSpan.Zero
            ? ValueTask.FromException<object?>(new TimeoutException($"The request waited {_bound.TotalSeconds:0.#} s for its turn."))
            : circuit.ExecuteAsync(_ => WithinBoundAsync(context, next, remaining), context.HttpContext.RequestAborted);
    }

    /// <summary>The handler's result, or a timeout at the bound, which the circuit counts as soon as it happens.</summary>
    private async ValueTask<object?> WithinBoundAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, TimeSpan remaining)
    {
        var work = next(context).AsTask();
        if (await Task.WhenAny(work, Task.Delay(remaining)) == work)
        {
            return await work;
        }

        // Disposables registered later are disposed first: this one waits out the work before the request's scope goes.
        context.HttpContext.Response.RegisterForDisposeAsync(new WaitsFor(work));
        throw new TimeoutException($"PostgreSQL did not answer within {_bound.TotalSeconds:0.#} s.");
    }

    private sealed class WaitsFor(Task work) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await work;
            }
            catch (Exception)
            {
                // Its failure was answered already: the client has its 503.
            }
        }
    }
}
