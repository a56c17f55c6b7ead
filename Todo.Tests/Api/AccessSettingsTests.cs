using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Todo.Hosting.LocalServices;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>
/// Secure by default: Production without authentication settings does not start, and the open API is an explicit,
/// logged choice that only Development takes without a second switch confirming it.
/// </summary>
[Collection(TodoSystemCollection.Name)]
[Trait("Category", "Slow")]
public sealed class AccessSettingsTests(TodoSystem system)
{
    [Fact]
    public async Task Production_without_authentication_settings_refuses_to_start_and_names_the_setting()
    {
        var (exitCode, printed) = await RunProductionAsync([]);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Not starting: authentication is not configured; set Authentication:Schemes:Bearer:Authority", printed);
        Assert.DoesNotContain("Unhandled exception", printed);
    }

    [Fact]
    public async Task Production_with_keys_but_no_audience_refuses_to_start_and_names_the_audience()
    {
        var settings = TestTokens.Shared.ApiSettings.Where(setting => !setting.Key.Contains("ValidAudiences", StringComparison.Ordinal));

        var (exitCode, printed) = await RunProductionAsync(settings);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("set Authentication:Schemes:Bearer:ValidAudiences (or Authentication:Schemes:Bearer:ValidClientIds)", printed);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task The_open_api_switch_alone_is_refused_in_every_environment_but_development(string environment)
    {
        var (exitCode, printed) = await RunAsync(environment, [KeyValuePair.Create("Authentication:AllowAnonymous", "true")]);

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"outside Development ({environment}) it also needs Authentication:AllowAnonymousOutsideDevelopment=true", printed);
        Assert.DoesNotContain("Unhandled exception", printed);
    }

    [Fact]
    public async Task Development_takes_the_open_api_switch_alone_and_warns_at_start()
    {
        var logs = new ConcurrentQueue<string>();
        await using var api = system.StartAnotherApi(
            new Dictionary<string, string?> { ["Authentication:AllowAnonymous"] = "true" },
            builder => builder.UseEnvironment("Development").ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(logs))));
        using var anonymous = api.CreateClient();

        using var response = await anonymous.GetAsync("/todos?limit=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(logs, line => line.Contains("Authentication:AllowAnonymous is on (Development)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_open_api_confirmed_for_production_serves_requests_without_a_token_and_warns_at_start()
    {
        var logs = new ConcurrentQueue<string>();
        await using var api = system.StartAnotherApi(
            new Dictionary<string, string?> { ["Authentication:AllowAnonymous"] = "true", ["Authentication:AllowAnonymousOutsideDevelopment"] = "true" },
            builder => builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(logs))));
        using var anonymous = api.CreateClient();
        var mine = await api.Client.CreateTodoAsync();

        var created = await anonymous.CreateTodoAsync();
        using var badToken = new HttpRequestMessage(HttpMethod.Get, "/todos?limit=1") { Headers = { Authorization = new("Bearer", "not-a-token") } };
        using var refused = await anonymous.SendAsync(badToken);

        Assert.Equal("", created.Owner);
        // Anonymous callers of the open API see every owner's todos, as the workshop's API did.
        Assert.Equal(mine, await anonymous.GetFromJsonAsync<TodoDto>($"/todos/{mine.TodoId}"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains(logs, line => line.Contains("Authentication:AllowAnonymous is on (Production)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Development_without_the_switch_still_refuses_requests_without_a_token()
    {
        await using var api = system.StartAnotherApi(configure: builder => builder.UseEnvironment("Development"));
        using var anonymous = api.CreateClient();

        using var response = await anonymous.GetAsync("/todos");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private Task<(int ExitCode, string Printed)> RunProductionAsync(IEnumerable<KeyValuePair<string, string>> settings) =>
        RunAsync("Production", settings);

    private async Task<(int ExitCode, string Printed)> RunAsync(string environmentName, IEnumerable<KeyValuePair<string, string>> settings)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["ASPNETCORE_ENVIRONMENT"] = environmentName,
            ["ConnectionStrings__todos"] = system.TodosConnectionString,
            ["ConnectionStrings__cache"] = system.CacheConnectionString,
        };
        foreach (var (key, value) in settings)
        {
            environment[ApiProcess.EnvironmentVariable(key)] = value;
        }
        return await ExternalCommand.RunAsync("dotnet", [ApiProcess.BuiltApi], TimeSpan.FromMinutes(1), Repository.Root, environment);
    }
}
