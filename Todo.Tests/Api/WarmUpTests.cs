using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>
/// A new instance runs every handler and route once before the first burst, serves that burst in full, and keeps
/// nothing of its warm-up: no row, and no cached entry of another owner's made stale.
/// </summary>
[Collection(TodoSystemCollection.Name)]
[Trait("Category", "Slow")]
public sealed class WarmUpTests(TodoSystem system)
{
    [Fact]
    public async Task A_new_instance_warms_up_every_route_serves_a_burst_at_once_and_leaves_rows_and_cache_as_they_were()
    {
        var owner = TodoTestData.NewOwner();
        await system.Client.CreateTodoAsync(owner);
        var list = $"/todos?userEmail={Uri.EscapeDataString(owner)}";
        (await system.Client.GetAsync(list)).Dispose();
        // Nothing else writes while this collection's tests run one at a time.
        var rowsBefore = await RowsAsync();

        await using var api = await system.StartApiProcessAsync(new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Information" });
        // 60 creates at once as soon as it answers, by a user of their own, whose creates leave the page above valid.
        using var burst = TestTokens.Shared.Client(api.BaseAddress, $"burst-{Guid.NewGuid():N}");
        var burstOwner = TodoTestData.NewOwner();
        var statuses = await Task.WhenAll(Enumerable.Range(0, 60).Select(async i =>
        {
            using var response = await burst.PostAsJsonAsync("/todos", TodoTestData.ValidBody(burstOwner, $"Burst {i}"));
            return response.StatusCode;
        }));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.Created, status));
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
        Assert.Equal(rowsBefore + 60, await RowsAsync());
        Assert.Equal(60, await Sql.ScalarAsync<long>(system.TodosConnectionString, "SELECT count(*) FROM todos WHERE user_email = $1", burstOwner));
        using var afterStart = await system.Client.GetAsync(list);
        Assert.True(afterStart.Headers.Contains("Age"), "the list page cached before the new instance started was invalidated by its start");
    }

    private Task<long> RowsAsync() => Sql.ScalarAsync<long>(system.TodosConnectionString, "SELECT count(*) FROM todos");
}
