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
            next = response.NextPage();
            pages++;
        }

        Assert.Equal(26, pages);
        Assert.Equal(2500, seen.Count);
        Assert.Equal(created.Order().ToList(), seen.Order().ToList());
        Assert.Equal(seen.OrderByDescending(id => id.ToString(), StringComparer.Ordinal).ToList(), seen);
    }

    /// <summary>
    /// Paging while another client keeps adding todos for the same owner: every todo that existed when the walk began
    /// is seen exactly once, and the walk goes strictly from newer to older.
    /// </summary>
    [Fact]
    public async Task Walking_pages_while_todos_are_added_sees_every_earlier_todo_exactly_once()
    {
        var owner = TodoTestData.NewOwner();
        var before = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 300), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, _) => before.Add((await system.Client.CreateTodoAsync(owner, $"Before {i}")).TodoId));
        using var stop = new CancellationTokenSource();
        var added = 0;
        var adding = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await system.Client.CreateTodoAsync(owner, "During the walk");
                Interlocked.Increment(ref added);
            }
        });

        var seen = new List<Guid>();
        string? next = $"/todos?userEmail={Uri.EscapeDataString(owner)}&limit=20";
        while (next is not null)
        {
            using var response = await system.Client.GetAsync(next);
            seen.AddRange((await response.Content.ReadFromJsonAsync<List<TodoDto>>())!.Select(todo => todo.TodoId));
            next = response.NextPage();
        }
        await stop.CancelAsync();
        await adding;

        Assert.True(added > 0, "nothing was added during the walk");
        Assert.Equal(seen.OrderByDescending(id => id.ToString(), StringComparer.Ordinal).ToList(), seen);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.All(before, id => Assert.Single(seen, id));
    }
}
