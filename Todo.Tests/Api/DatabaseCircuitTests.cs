using Microsoft.Extensions.Logging.Abstractions;
using Polly.CircuitBreaker;
using Todo.Api.Data;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>
/// The database circuit on a clock the test moves: timeouts open it, an open circuit refuses without running anything,
/// one probe after <see cref="DatabaseCircuit.BreakDuration"/> closes it or opens it again, and failures that are no
/// timeout never open it.
/// </summary>
public sealed class DatabaseCircuitTests
{
    private readonly ManualClock _clock = new();
    private readonly DatabaseCircuit _circuit;
    private int _ran;

    public DatabaseCircuitTests() => _circuit = new DatabaseCircuit(NullLogger<DatabaseCircuit>.Instance, _clock);

    [Fact]
    public async Task Three_timeouts_open_it_and_while_open_nothing_runs()
    {
        await TimeOutAsync(3);

        await Assert.ThrowsAsync<BrokenCircuitException>(() => RunAsync());
        _clock.Now += DatabaseCircuit.BreakDuration / 2;
        await Assert.ThrowsAsync<BrokenCircuitException>(() => RunAsync());
        Assert.Equal(3, _ran);
    }

    [Fact]
    public async Task Two_timeouts_leave_it_closed()
    {
        await TimeOutAsync(2);

        await RunAsync();
        Assert.Equal(3, _ran);
    }

    [Fact]
    public async Task After_the_break_one_success_closes_it()
    {
        await TimeOutAsync(3);
        _clock.Now += DatabaseCircuit.BreakDuration;

        await RunAsync();
        await RunAsync();
        Assert.Equal(5, _ran);
    }

    [Fact]
    public async Task After_the_break_a_probe_that_times_out_opens_it_again()
    {
        await TimeOutAsync(3);
        _clock.Now += DatabaseCircuit.BreakDuration;

        await Assert.ThrowsAsync<TimeoutException>(() => RunAsync(new TimeoutException()));
        await Assert.ThrowsAsync<BrokenCircuitException>(() => RunAsync());
        Assert.Equal(4, _ran);
    }

    [Fact]
    public async Task Refused_connections_and_other_failures_never_open_it()
    {
        for (var i = 0; i < 10; i++)
        {
            await Assert.ThrowsAsync<Npgsql.NpgsqlException>(() => RunAsync(new Npgsql.NpgsqlException("refused", new System.Net.Sockets.SocketException(111))));
        }

        await RunAsync();
        Assert.Equal(11, _ran);
    }

    private async Task TimeOutAsync(int times)
    {
        for (var i = 0; i < times; i++)
        {
            await Assert.ThrowsAsync<TimeoutException>(() => RunAsync(new TimeoutException()));
        }
    }

    private Task RunAsync(Exception? failure = null) => _circuit.ExecuteAsync<int>(_ =>
    {
        _ran++;
        return failure is null ? ValueTask.FromResult(1) : ValueTask.FromException<int>(failure);
    }, CancellationToken.None).AsTask();
}
