using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>
/// Read-your-writes through the shared cache while other clients keep reading, on two instances sharing one Redis:
/// a read that starts after a write was acknowledged never returns what that write replaced.
/// </summary>
/// <remarks>
/// The race looked for is a read that loaded the row before a write and stored it in the cache after the write's
/// eviction. It needs a miss in flight when the write lands; sixteen readers on one key keep one in flight after nearly
/// every write. Each test makes 500 writes, so a race that one write in a hundred provokes fails it with a
/// probability of 99 % (1 − 0.99^500).
/// </remarks>
[Collection(TodoSystemCollection.Name)]
[Trait("Category", "Slow")]
public sealed class CacheConsistencyTests(TodoSystem system)
{
    private const int Writes = 500;
    private const int Readers = 16;
    private const int PageSize = 50;

    private HttpClient[] Instances => [system.Client, system.Second.Client];

    [Fact]
    public async Task No_read_returns_a_version_older_than_a_patch_acknowledged_before_it_started()
    {
        var todo = await system.Client.CreateTodoAsync(title: "v0");
        var path = $"/todos/{todo.TodoId}";
        var acknowledged = 0;
        var reads = 0;
        var stale = new ConcurrentQueue<string>();

        var stop = StartReaders(async (client, reader) =>
        {
            var floor = Volatile.Read(ref acknowledged);
            var version = VersionOf(await client.GetFromJsonAsync<TodoDto>(path));
            Interlocked.Increment(ref reads);
            if (version < floor)
            {
                stale.Enqueue($"v{version} through instance {reader % 2 + 1} after v{floor} was acknowledged");
            }
        });

        for (var version = 1; version <= Writes; version++)
        {
            using var patch = new StringContent($$"""{"title":"v{{version}}"}""", Encoding.UTF8, "application/merge-patch+json");
            using var response = await Instances[version % 2].PatchAsync(path, patch);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Volatile.Write(ref acknowledged, version);
        }
        await stop();
        var final = await Task.WhenAll(Instances.Select(client => client.GetFromJsonAsync<TodoDto>(path)));

        Assert.True(stale.IsEmpty, $"{stale.Count} of {reads} reads were stale, first: {string.Join("; ", stale.Take(5))}");
        Assert.True(reads >= Writes, $"only {reads} reads during {Writes} writes: too few to find the race");
        Assert.All(final, read => Assert.Equal(Writes, VersionOf(read)));
    }

    [Fact]
    public async Task No_page_read_after_a_create_or_delete_was_acknowledged_misses_the_create_or_shows_the_deleted_todo()
    {
        var owner = TodoTestData.NewOwner();
        var firstPage = $"/todos?userEmail={Uri.EscapeDataString(owner)}&limit={PageSize}";
        var known = ListExpectation.Empty;
        var pages = 0;
        var wrong = new ConcurrentQueue<string>();

        var stop = StartReaders(async (client, reader) =>
        {
            string? next = firstPage;
            while (next is not null)
            {
                var before = Volatile.Read(ref known);
                var (page, following) = await ReadPageAsync(client, next);
                Interlocked.Increment(ref pages);
                var problems = before.Check(next, page, following is not null, Volatile.Read(ref known)).ToList();
                if (problems.Count > 0)
                {
                    wrong.Enqueue($"instance {reader % 2 + 1}, {next}: {string.Join(", ", problems)}");
                }
                next = following;
            }
        });

        var alive = new Queue<Guid>();
        for (var operation = 0; operation < Writes; operation++)
        {
            var client = Instances[operation % 2];
            if (operation % 3 == 2)
            {
                var doomed = alive.Dequeue();
                Volatile.Write(ref known, known.Deleting(doomed));
                using var response = await client.DeleteAsync($"/todos/{doomed}");
                Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
                Volatile.Write(ref known, known.Deleted(doomed));
            }
            else
            {
                var created = await client.CreateTodoAsync(owner, $"Todo {operation}");
                alive.Enqueue(created.TodoId);
                Volatile.Write(ref known, known.Created(created.TodoId));
            }
        }
        await stop();
        var final = await Task.WhenAll(Instances.Select(client => ReadAllAsync(client, firstPage)));

        Assert.True(wrong.IsEmpty, $"{wrong.Count} of {pages} pages were stale, first: {string.Join("; ", wrong.Take(5))}");
        Assert.True(pages >= Writes, $"only {pages} pages read during {Writes} writes: too few to find the race");
        Assert.All(final, ids => Assert.Equal(alive.Order().ToList(), ids.Order().ToList()));
    }

    /// <summary>Starts <see cref="Readers"/> loops spread over both instances; the function returned ends them and rethrows what failed.</summary>
    private Func<Task> StartReaders(Func<HttpClient, int, Task> read)
    {
        var stopping = new CancellationTokenSource();
        var loops = Enumerable.Range(0, Readers).Select(reader => Task.Run(async () =>
        {
            while (!stopping.IsCancellationRequested)
            {
                await read(Instances[reader % 2], reader);
            }
        })).ToArray();
        return async () =>
        {
            await stopping.CancelAsync();
            await Task.WhenAll(loops).WaitAsync(TimeSpan.FromMinutes(1));
            stopping.Dispose();
        };
    }

    private static int VersionOf(TodoDto? todo) => int.Parse(todo!.Title.AsSpan(1));

    private static async Task<(List<Guid> Page, string? Next)> ReadPageAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = (await response.Content.ReadFromJsonAsync<List<TodoDto>>())!.Select(todo => todo.TodoId).ToList();
        return (page, response.NextPage());
    }

    private static async Task<List<Guid>> ReadAllAsync(HttpClient client, string firstPage)
    {
        var all = new List<Guid>();
        string? next = firstPage;
        while (next is not null)
        {
            var (page, following) = await ReadPageAsync(client, next);
            all.AddRange(page);
            next = following;
        }
        return all;
    }

    /// <summary>
    /// What any page read from now on must show: every acknowledged create (unless its delete has begun) and no
    /// acknowledged delete. Replaced as a whole, so a reader takes one consistent view before it reads, and one after:
    /// a delete that began while the page was read may or may not show.
    /// </summary>
    private sealed record ListExpectation(ImmutableHashSet<Guid> MustShow, ImmutableHashSet<Guid> MustNotShow)
    {
        public static readonly ListExpectation Empty = new([], []);

        public ListExpectation Created(Guid id) => this with { MustShow = MustShow.Add(id) };

        public ListExpectation Deleting(Guid id) => this with { MustShow = MustShow.Remove(id) };

        public ListExpectation Deleted(Guid id) => this with { MustNotShow = MustNotShow.Add(id) };

        /// <summary>
        /// A page after cursor <c>after</c> covers the ids below it, down to its last id when another page follows
        /// (ids compare as PostgreSQL orders uuids: as their lower-case text).
        /// </summary>
        public IEnumerable<string> Check(string path, List<Guid> page, bool morePages, ListExpectation afterwards)
        {
            var after = new Uri(new Uri("http://x"), path).Query.Split('&').FirstOrDefault(part => part.StartsWith("after=", StringComparison.Ordinal))?[6..];
            var lowest = morePages ? page[^1].ToString() : null;
            foreach (var id in MustShow.Intersect(afterwards.MustShow).Where(id => !page.Contains(id)))
            {
                var text = id.ToString();
                if ((after is null || string.CompareOrdinal(text, after) < 0) && (lowest is null || string.CompareOrdinal(text, lowest) >= 0))
                {
                    yield return $"missing {id}, created before the read";
                }
            }
            foreach (var id in page.Where(MustNotShow.Contains))
            {
                yield return $"shows {id}, deleted before the read";
            }
        }
    }
}
