using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.WebUtilities;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

[Collection(TodoSystemCollection.Name)]
public sealed class ListTodosTests(TodoSystem system)
{
    [Fact]
    public async Task Listing_by_owner_returns_only_their_todos_newest_first()
    {
        var owner = TodoTestData.NewOwner();
        var created = new List<TodoDto>();
        for (var i = 0; i < 3; i++)
        {
            created.Add(await system.Client.CreateTodoAsync(owner, $"Todo {i}"));
        }
        await system.Client.CreateTodoAsync();

        using var response = await system.Client.GetAsync($"/todos?userEmail={Uri.EscapeDataString(owner)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Link"));
        var page = await response.Content.ReadFromJsonAsync<List<TodoDto>>();
        Assert.Equal(created.AsEnumerable().Reverse(), page);
    }

    [Fact]
    public async Task Listing_by_status_and_owner_applies_both_filters()
    {
        var owner = TodoTestData.NewOwner();
        var body = TodoTestData.ValidBody(owner);
        body["status"] = "done";
        using var done = await system.Client.PostAsJsonAsync("/todos", body);
        var doneTodo = (await done.Content.ReadFromJsonAsync<TodoDto>())!;
        await system.Client.CreateTodoAsync(owner);

        var page = await system.Client.GetFromJsonAsync<List<TodoDto>>($"/todos?status=done&userEmail={Uri.EscapeDataString(owner)}");

        Assert.Equal([doneTodo], page);
    }

    [Fact]
    public async Task A_full_page_links_to_the_next_one_with_the_same_filters()
    {
        var owner = TodoTestData.NewOwner();
        var created = new List<TodoDto>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await system.Client.CreateTodoAsync(owner, $"Todo {i}"));
        }
        var newestFirst = created.AsEnumerable().Reverse().ToList();

        using var first = await system.Client.GetAsync($"/todos?userEmail={Uri.EscapeDataString(owner)}&limit=2");
        var link = Assert.Single(first.Headers.GetValues("Link"));
        var next = link[1..link.IndexOf('>')];
        using var second = await system.Client.GetAsync(next);
        using var third = await system.Client.GetAsync(second.NextPage());

        Assert.Equal(newestFirst[..2], await first.Content.ReadFromJsonAsync<List<TodoDto>>());
        Assert.Contains("rel=\"next\"", link);
        var nextQuery = QueryHelpers.ParseQuery(new Uri(new Uri("http://x"), next).Query);
        Assert.Equal(owner, nextQuery["userEmail"]);
        Assert.Equal("2", nextQuery["limit"]);
        Assert.Equal(newestFirst[1].TodoId.ToString(), nextQuery["after"]);
        Assert.Equal(newestFirst[2..4], await second.Content.ReadFromJsonAsync<List<TodoDto>>());
        Assert.Equal(newestFirst[4..], await third.Content.ReadFromJsonAsync<List<TodoDto>>());
        Assert.False(third.Headers.Contains("Link"));
    }

    [Fact]
    public async Task The_default_page_holds_100_todos()
    {
        var owner = TodoTestData.NewOwner();
        await Task.WhenAll(Enumerable.Range(0, 101).Select(i => system.Client.CreateTodoAsync(owner, $"Todo {i}")));

        using var response = await system.Client.GetAsync($"/todos?userEmail={Uri.EscapeDataString(owner)}");

        Assert.Equal(100, (await response.Content.ReadFromJsonAsync<List<TodoDto>>())!.Count);
        Assert.True(response.Headers.Contains("Link"));
    }

    [Theory]
    [InlineData("status=unknown", "status")]
    [InlineData("userEmail=not-an-email", "userEmail")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("limit=-5", "limit")]
    [InlineData("after=yesterday", "after")]
    public async Task A_bad_query_returns_400_naming_the_parameter(string query, string field)
    {
        using var response = await system.Client.GetAsync($"/todos?{query}");

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
    }
}
