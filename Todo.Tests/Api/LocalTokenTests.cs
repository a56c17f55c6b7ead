using System.Net;
using System.Net.Http.Json;
using Todo.AppHost.LocalServices;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>
/// README's local tokens, end to end: <c>dotnet user-jwts create</c> keeps its key in the API's user secrets, and the
/// API in Development (as the AppHost runs it) accepts the token, with its name as the owner and its scope as admin.
/// The user secrets are a throwaway home directory's, never the developer's.
/// </summary>
[Collection(TodoSystemCollection.Name)]
[Trait("Category", "Slow")]
public sealed class LocalTokenTests(TodoSystem system)
{
    [Fact]
    public async Task Tokens_from_dotnet_user_jwts_are_accepted_by_the_api_in_development()
    {
        var home = Directory.CreateTempSubdirectory("todo-home-");
        var project = Path.Combine(Repository.Root, "Todo.Api", "Todo.Api.csproj");
        var developmentSettings = Path.Combine(Repository.Root, "Todo.Api", "appsettings.Development.json");
        var committed = await File.ReadAllTextAsync(developmentSettings);
        try
        {
            var user = await CreateTokenAsync(home, project, "--name", "ada", "--claim", "email=ada@example.com");
            var admin = await CreateTokenAsync(home, project, "--name", "root", "--scope", "todos:admin");
            await using var api = await ApiProcess.StartAsync(ApiProcess.BuiltApi, new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["HOME"] = home.FullName,
                ["ConnectionStrings:todos"] = system.TodosConnectionString,
                ["ConnectionStrings:cache"] = system.CacheConnectionString,
            }, acceptTestTokens: false);

            using var ada = new HttpClient { BaseAddress = api.BaseAddress, DefaultRequestHeaders = { Authorization = new("Bearer", user) } };
            using var root = new HttpClient { BaseAddress = api.BaseAddress, DefaultRequestHeaders = { Authorization = new("Bearer", admin) } };
            var body = TodoTestData.ValidBody();
            body.Remove("userEmail");
            using var created = await ada.PostAsJsonAsync("/todos", body);
            var todo = (await created.Content.ReadFromJsonAsync<TodoDto>())!;

            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal(("ada", "ada@example.com"), (todo.Owner, todo.UserEmail));
            Assert.Equal(todo, await root.GetFromJsonAsync<TodoDto>($"/todos/{todo.TodoId}"));
            Assert.Contains((await root.GetFromJsonAsync<List<TodoDto>>("/todos?owner=ada&limit=1000"))!, listed => listed.TodoId == todo.TodoId);
            Assert.Equal(HttpStatusCode.Unauthorized, (await api.Client.GetAsync("/todos")).StatusCode);
            // The tool found the issuer and audience already there: the committed file is as it was.
            Assert.Equal(committed, await File.ReadAllTextAsync(developmentSettings));
        }
        finally
        {
            await File.WriteAllTextAsync(developmentSettings, committed);
            home.Delete(recursive: true);
        }
    }

    private static async Task<string> CreateTokenAsync(DirectoryInfo home, string project, params string[] options)
    {
        var (exitCode, output) = await ExternalCommand.RunAsync("dotnet", ["user-jwts", "create", "--project", project, "--output", "token", .. options],
            TimeSpan.FromMinutes(2), Repository.Root, new Dictionary<string, string?>
            {
                // User secrets live under HOME; the SDK's own state and packages stay where they are.
                ["HOME"] = home.FullName,
                ["DOTNET_CLI_HOME"] = Environment.GetEnvironmentVariable("DOTNET_CLI_HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
                ["NUGET_PACKAGES"] = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                    ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
                ["DOTNET_NOLOGO"] = "1",
            }, standardOutputOnly: true);
        Assert.True(exitCode == 0, output);
        return output.Trim();
    }
}
