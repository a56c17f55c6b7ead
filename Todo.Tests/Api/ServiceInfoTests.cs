using System.Net;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

[Collection(TodoSystemCollection.Name)]
public sealed class ServiceInfoTests(TodoSystem system)
{
    [Fact]
    public async Task Root_names_the_service_and_its_version_as_text()
    {
        using var response = await system.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Matches(@"^Todo API \d+\.\d+\.\d+", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("Age"));
    }

    [Fact]
    public async Task Responses_do_not_name_the_server_software()
    {
        using var response = await system.Client.GetAsync("/");

        Assert.False(response.Headers.Contains("Server"));
        Assert.False(response.Headers.Contains("X-Powered-By"));
    }
}
