using System.Net.Sockets;
using Npgsql;
using Polly.CircuitBreaker;

namespace Todo.Api.Data;

/// <summary>Failures that mean PostgreSQL cannot be reached or did not answer in time, as opposed to a bug.</summary>
public static class DatabaseFailures
{
    public static bool IsUnavailable(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is NpgsqlException { IsTransient: true } or SocketException or TimeoutException or BrokenCircuitException)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// PostgreSQL did not answer in time: the failure of a server that hangs. One that refuses, or a pooled connection
    /// that died with a restart, fails at once and needs no circuit to spare anybody a wait.
    /// </summary>
    public static bool IsTimeout(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is TimeoutException)
            {
                return true;
            }
        }
        return false;
    }
}
