using System.Net.Http.Json;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

[Collection(TodoSystemCollection.Name)]
[Trait("Category", "Slow")]
public sealed class PaginationTests(TodoSystem system)
{
    [Fact]
    public async Task Walking_2500_todos_page_by_page_sees_each_exactly_once_in_order()
    {
        var owner = TodoTestData.NewOwner();
        var created = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 2500), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, _) => created.Add((await system.Client.CreateTodoAsync(owner, $"Todo {i}")).TodoId));

        var seen = new List<Guid>();
        var pages = 0;
        string? next = $"/todos?userEmail={Uri.EscapeDataString(owner)}&limit=97";
        while (next is not null)
        {
            using var response = await system.Client.GetAsync(next);
            seen.AddRange((await response.Content.ReadFromJsonAsync<List<TodoDto>>())!.Select(todo => todo.TodoId));
            next = response.Headers.Contains("Link") ? ListTodosTests.LinkTarget(response) : null;
            pages++;
        }

        Assert.Equal(26, pages);
        Assert.Equal(2500, seen.Count);
        Assert.Equal(created.Order().ToList(), seen.Order().ToList());
        Assert.Equal(seen.OrderByDescending(id => id.ToString(), StringComparer.Ordinal).ToList(), seen);
    }
}
