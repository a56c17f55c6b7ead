using System.Net.Http.Json;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.AppHost;

/// <summary>
/// The whole model, started through Aspire.Hosting.Testing as <c>dotnet run --project Todo.AppHost</c> starts it, and
/// started again. (LocalTokenTests starts it as a newcomer's machine does, every resource healthy.)
/// </summary>
[Trait("Category", "AppHost")]
[Trait("Category", "Slow")]
public sealed class AppHostTests
{
    [Fact]
    public async Task Todos_survive_an_app_host_restart_even_when_the_generated_password_changed()
    {
        var first = await TodoServers.StartAsync();
        TodoDto created;
        try
        {
            using var client = first.ApiClient();
            created = await client.CreateTodoAsync();
        }
        finally
        {
            // Stopped whatever happened, its data kept for the restart (which deletes it when done).
            await first.StopAllAsync();
        }

        await using var second = await TodoServers.RestartAsync(first.DataDirectory);
        using var again = second.ApiClient();

        Assert.Equal(created, await again.GetFromJsonAsync<TodoDto>($"/todos/{created.TodoId}"));
    }
}
