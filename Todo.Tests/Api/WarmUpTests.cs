using System.Diagnostics;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>A new instance runs every handler and route once before the first burst, and keeps nothing of it.</summary>
[Collection(TodoSystemCollection.Name)]
public sealed class WarmUpTests(TodoSystem system)
{
    [Fact]
    public async Task A_new_instance_warms_up_its_handlers_and_routes_and_leaves_no_todo_behind()
    {
        await using var api = await system.StartApiProcessAsync(new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Information" });

        // The routes are warmed once the API listens, so possibly after its first answer.
        for (var wait = Stopwatch.StartNew(); !api.Output.Any(line => line.Contains("todo routes", StringComparison.Ordinal)) && wait.Elapsed < TimeSpan.FromSeconds(15);)
        {
            await Task.Delay(50);
        }
        Assert.Contains(api.Output, line => line.Contains("Warmed up the todo handlers", StringComparison.Ordinal));
        Assert.Contains(api.Output, line => line.Contains("Warmed up the todo routes", StringComparison.Ordinal));
        Assert.DoesNotContain(api.Output, line => line.Contains("cut short", StringComparison.Ordinal));
        Assert.Equal(0, await Sql.ScalarAsync<long>(system.TodosConnectionString,
            "SELECT count(*) FROM todos WHERE user_email = $1 OR title = $2", "warm-up@example.com", "Warm-up"));
    }
}
