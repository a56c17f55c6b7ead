using System.Net;
using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.AppHost;

/// <summary>The whole model, started through Aspire.Hosting.Testing as <c>dotnet run --project Todo.AppHost</c> starts it.</summary>
[Trait("Category", "AppHost")]
public sealed class AppHostTests
{
    [Fact]
    public async Task The_model_starts_every_resource_healthy_and_the_api_serves_through_it()
    {
        await using var system = await TodoServers.StartAsync();

        var model = system.App.Services.GetRequiredService<DistributedApplicationModel>();
        Assert.Subset(model.Resources.Select(resource => resource.Name).ToHashSet(), new HashSet<string> { "postgres", "todos", "cache", "todo-api" });
        using var client = system.ApiClient();
        var created = await client.CreateTodoAsync();
        Assert.Equal(created, await client.GetFromJsonAsync<TodoDto>($"/todos/{created.TodoId}"));
        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

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
