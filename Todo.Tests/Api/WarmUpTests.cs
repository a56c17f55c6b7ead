using System.Net.Http.Json;
using System.Text.Json;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>A new instance runs every handler and route once before the first burst, and keeps nothing of it.</summary>
[Collection(TodoSystemCollection.Name)]
public sealed class WarmUpTests(TodoSystem system)
{
    [Fact]
    public async Task A_new_instance_warms_up_its_handlers_and_routes_and_leaves_no_todo_behind()
    {
        // Nothing else writes while this collection's tests run one at a time.
        var rowsBefore = await RowsAsync();
        await using var api = await system.StartApiProcessAsync(new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Information" });

        // The routes are warmed once the API listens, so possibly after its first answer.
        await Poll.UntilAsync(() => api.Output.Any(line => line.Contains("todo routes", StringComparison.Ordinal)), TimeSpan.FromSeconds(15));
        Assert.Contains(api.Output, line => line.Contains("Warmed up the todo handlers", StringComparison.Ordinal));
        Assert.Contains(api.Output, line => line.Contains("Warmed up the todo routes", StringComparison.Ordinal));
        Assert.DoesNotContain(api.Output, line => line.Contains("cut short", StringComparison.Ordinal));
        // Every todo operation the API describes, found from its endpoints rather than from a list of its own.
        using var openApi = JsonDocument.Parse(await api.Client.GetStringAsync("/openapi/v1.json"));
        var operations = openApi.RootElement.GetProperty("paths").EnumerateObject()
            .Where(path => path.Name.StartsWith("/todos", StringComparison.Ordinal))
            .Sum(path => path.Value.EnumerateObject().Count());
        Assert.Contains(api.Output, line => line.Contains($"Warmed up the todo handlers of {operations} endpoints", StringComparison.Ordinal));
        Assert.Equal(rowsBefore, await RowsAsync());
    }

    private Task<long> RowsAsync() => Sql.ScalarAsync<long>(system.TodosConnectionString, "SELECT count(*) FROM todos");

    /// <summary>The warm-up's writes are rolled back, so they make nothing in the shared cache stale.</summary>
    [Fact]
    public async Task A_new_instance_starting_leaves_the_shared_cache_as_it_was()
    {
        var owner = TodoTestData.NewOwner();
        await system.Client.CreateTodoAsync(owner);
        var list = $"/todos?userEmail={Uri.EscapeDataString(owner)}";
        (await system.Client.GetAsync(list)).Dispose();

        await using var api = await system.StartApiProcessAsync();
        using var afterStart = await system.Client.GetAsync(list);

        Assert.True(afterStart.Headers.Contains("Age"), "the list page cached before the new instance started was invalidated by its start");
    }

    /// <summary>60 creates at once on an instance that just started: all are served.</summary>
    [Fact]
    public async Task A_burst_right_after_start_is_served_in_full()
    {
        await using var api = await system.StartApiProcessAsync();
        var owner = TodoTestData.NewOwner();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 60).Select(async i =>
        {
            using var response = await api.Client.PostAsJsonAsync("/todos", TodoTestData.ValidBody(owner, $"Burst {i}"));
            return response.StatusCode;
        }));

        Assert.All(statuses, status => Assert.Equal(System.Net.HttpStatusCode.Created, status));
        Assert.Equal(60, await Sql.ScalarAsync<long>(system.TodosConnectionString, "SELECT count(*) FROM todos WHERE user_email = $1", owner));
    }
}
