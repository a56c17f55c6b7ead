using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Todo.Api.Data;

/// <summary>
/// PostgreSQL answers <c>SELECT 1</c> within the check's second, by way of the <see cref="DatabaseCircuit"/>: while the
/// circuit is open the report says Unhealthy at once, and when it lets a probe through this check may be it.
/// </summary>
/// <remarks>
/// The probe has a small pool of its own, and the check stops waiting for it instead of cancelling it: cancelling a
/// command on a hung server makes Npgsql send a cancel request synchronously, which held the report back for seconds.
/// An abandoned probe ends by Npgsql's own timeouts and closes its connection itself.
/// </remarks>
public sealed class TodoDatabaseHealthCheck : IHealthCheck, IAsyncDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(1);

    private readonly NpgsqlDataSource _probe;
    private readonly DatabaseCircuit _circuit;

    public TodoDatabaseHealthCheck(string connectionString, DatabaseCircuit circuit)
    {
        _probe = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 2 });
        _circuit = circuit;
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await _circuit.ExecuteAsync(_ => new ValueTask<object?>(ProbeAsync().WaitAsync(s_wait)), CancellationToken.None);
            return HealthCheckResult.Healthy("PostgreSQL answers.");
        }
        catch (Exception exception) when (DatabaseFailures.IsUnavailable(exception))
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "PostgreSQL cannot be reached or does not answer.");
        }
    }

    public ValueTask DisposeAsync() => _probe.DisposeAsync();

    private async Task<object?> ProbeAsync()
    {
        await using var command = _probe.CreateCommand("SELECT 1");
        return await command.ExecuteScalarAsync();
    }
}
