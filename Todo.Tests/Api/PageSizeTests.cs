using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Todo.Api.Identity;
using Todo.Api.Todos;
using Todo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Todo.Tests.Api;

/// <summary>
/// The most one list request can cost: 1,001 todos with every field at its limit in 4-byte characters, read with the
/// largest <c>limit</c>. Before pages were bounded by bytes, that page was 26.6 MB (each emoji escaped as 12 bytes),
/// and sixteen parallel reads of it took the API from 180 to 673 MB.
/// </summary>
[Collection(TodoSystemCollection.Name)]
[Trait("Category", "Slow")]
public sealed class PageSizeTests(TodoSystem system, ITestOutputHelper output)
{
    private const int Todos = 1001;
    private const string Emoji = "\U0001F600";

    [Fact]
    public async Task The_largest_page_stays_under_its_byte_bound_and_the_rest_follows_by_link()
    {
        // A user of its own: its 9 MB of pages come from its own share of the cache.
        using var client = system.Api.ClientFor($"pages-{Guid.NewGuid():N}");
        var owner = await CreateLargestTodosAsync(client, system.TodosConnectionString);

        using var first = await client.GetAsync($"/todos?userEmail={owner}&limit=1000");
        var body = await first.Content.ReadAsByteArrayAsync();
        var page = JsonSerializer.Deserialize<List<TodoDto>>(body, JsonSerializerOptions.Web)!;

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.True(body.Length <= TodoLimits.MaxPageBytes, $"{body.Length:N0} bytes");
        Assert.InRange(page.Count, 1, Todos - 1);
        Assert.NotNull(first.Headers.GetValues("Link").SingleOrDefault());
        // Written as UTF-8 (4 bytes an emoji), not escaped (12).
        Assert.True(body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Emoji + Emoji)) >= 0);
        Assert.DoesNotContain("\\u", Encoding.UTF8.GetString(body), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(string.Concat(Enumerable.Repeat(Emoji, TodoLimits.TitleMaxLength)), page[0].Title);

        var all = await ReadAllPagesAsync(client, $"/todos?userEmail={owner}&limit=1000");
        Assert.Equal(Todos, all.Select(todo => todo.TodoId).Distinct().Count());
        output.WriteLine($"limit=1000 over {Todos:N0} of the largest todos: {page.Count} todos, {body.Length:N0} bytes a page; {Math.Ceiling(Todos / (double)page.Count)} pages in all.");
    }

    /// <summary>
    /// The owner is in every todo's JSON too: the longest subject, of quotation marks that JSON escapes, still leaves
    /// that page under its bound (counted without the owner, it passed it by tens of kilobytes).
    /// </summary>
    [Fact]
    public async Task The_largest_page_of_the_longest_escaped_owner_stays_under_its_byte_bound()
    {
        var subject = new string('"', TodoCallers.MaxSubjectLength);
        using var client = system.Api.ClientFor(subject);
        var owner = await CreateLargestTodosAsync(client, system.TodosConnectionString);

        using var first = await client.GetAsync($"/todos?userEmail={owner}&limit=1000");
        var body = await first.Content.ReadAsByteArrayAsync();
        var page = JsonSerializer.Deserialize<List<TodoDto>>(body, JsonSerializerOptions.Web)!;

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(subject, page[0].Owner);
        Assert.True(body.Length <= TodoLimits.MaxPageBytes, $"{body.Length:N0} bytes");
        Assert.InRange(page.Count, 1, Todos - 1);
    }

    /// <summary>Sixteen clients read that page together, four times over: the API's memory grows by megabytes, not hundreds of them.</summary>
    [Fact]
    public async Task Sixteen_parallel_reads_of_the_largest_page_hold_little_memory()
    {
        await using var api = await system.StartApiProcessAsync();
        var owner = await CreateLargestTodosAsync(api.Client, system.TodosConnectionString);
        var path = $"/todos?userEmail={owner}&limit=1000";
        (await api.Client.GetAsync(path)).Dispose();
        // The peak from here on: the creates and the first read are not what is measured.
        api.ResetPeakRss();
        var before = api.RssMiB;

        long bytes = 0;
        for (var round = 0; round < 4; round++)
        {
            var reads = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => api.Client.GetByteArrayAsync(path)));
            bytes += reads.Sum(read => (long)read.Length);
        }
        var grown = api.PeakRssMiB - before;

        output.WriteLine($"64 reads, {bytes / 64:N0} bytes each: resident memory {before:N0} MiB before, peak {api.PeakRssMiB:N0} MiB (+{grown:N0}).");
        Assert.True(grown < 64, $"The API grew by {grown:N0} MiB reading the largest page 16 at a time.");
    }

    /// <summary>One todo at every limit created through the API, which must take it, and as many again as make 1,001 inserted beside it.</summary>
    private static async Task<string> CreateLargestTodosAsync(HttpClient client, string connectionString)
    {
        var owner = TodoTestData.NewOwner();
        var body = TodoTestData.ValidBody(owner);
        body["title"] = string.Concat(Enumerable.Repeat(Emoji, TodoLimits.TitleMaxLength));
        body["description"] = string.Concat(Enumerable.Repeat(Emoji, TodoLimits.DescriptionMaxLength));
        var created = await client.PostAsJsonAsync("/todos", body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var todo = (await created.Content.ReadFromJsonAsync<TodoDto>())!;
        await Sql.InsertTodosAsync(connectionString, Todos - 1, todo.Owner, owner, todo.Title, todo.Description);
        return owner;
    }

    private static async Task<List<TodoDto>> ReadAllPagesAsync(HttpClient client, string path)
    {
        var all = new List<TodoDto>();
        for (string? next = path; next is not null;)
        {
            using var response = await client.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            all.AddRange((await response.Content.ReadFromJsonAsync<List<TodoDto>>())!);
            next = response.NextPage();
        }
        return all;
    }
}
