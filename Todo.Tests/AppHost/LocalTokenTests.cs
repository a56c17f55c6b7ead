using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Todo.Hosting.LocalServices;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.AppHost;

/// <summary>
/// README's quick start in README's order, on a machine whose user never had user secrets: the whole model starts
/// through the AppHost (<c>./run.sh</c>), then <c>dotnet user-jwts create</c> makes a token, then the token is used. The tool keeps its
/// signing key in the project's user secrets (Authentication:Schemes:Bearer:SigningKeys) and the JWT bearer handler
/// reads its keys from there ("Generate tokens with dotnet user-jwts",
/// https://learn.microsoft.com/aspnet/core/security/authentication/jwt-authn). User secrets live under
/// <c>$APPDATA</c> when it is set ("Safe storage of app secrets in development", https://learn.microsoft.com/aspnet/core/security/app-secrets),
/// so the API and the tool share a throwaway location here, never the developer's.
/// </summary>
[Trait("Category", "AppHost")]
[Trait("Category", "Slow")]
public sealed class LocalTokenTests
{
    private static readonly string s_project = Path.Combine(Repository.Root, "Todo.Api", "Todo.Api.csproj");

    [Fact]
    public async Task The_model_starts_healthy_and_the_first_token_made_after_it_is_accepted_without_a_restart()
    {
        var userSecrets = Directory.CreateTempSubdirectory("todo-user-secrets-");
        var developmentSettings = Path.Combine(Repository.Root, "Todo.Api", "appsettings.Development.json");
        var committed = await File.ReadAllTextAsync(developmentSettings);
        var location = new Dictionary<string, string> { ["APPDATA"] = userSecrets.FullName };
        try
        {
            // Every resource of the model, each healthy before this returns.
            await using var system = await TodoServers.StartWithApiEnvironmentAsync(location);
            var model = system.App.Services.GetRequiredService<DistributedApplicationModel>();
            Assert.Subset(model.Resources.Select(resource => resource.Name).ToHashSet(), new HashSet<string> { "postgres", "todos", "cache", "todo-api" });
            using var anonymous = system.App.CreateHttpClient("todo-api");

            var token = await UserJwtsAsync(userSecrets, "create", "--name", "ada", "--claim", "email=ada@example.com", "--output", "token");
            var admin = await UserJwtsAsync(userSecrets, "create", "--name", "root", "--scope", "todos:admin", "--output", "token");
            var body = TodoTestData.ValidBody();
            body.Remove("userEmail");
            using var created = await PostAsync(anonymous, token, body);

            Assert.True(created.StatusCode == HttpStatusCode.Created,
                $"{created.StatusCode} {created.Headers.WwwAuthenticate} {await created.Content.ReadAsStringAsync()}");
            var todo = (await created.Content.ReadFromJsonAsync<TodoDto>())!;
            Assert.Equal(("ada", "ada@example.com"), (todo.Owner, todo.UserEmail));
            using var read = await SendAsync(anonymous, token, HttpMethod.Get, $"/todos/{todo.TodoId}");
            Assert.Equal(todo, await read.Content.ReadFromJsonAsync<TodoDto>());
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);
            using var listed = await SendAsync(anonymous, admin, HttpMethod.Get, "/todos?owner=ada&limit=1000");
            Assert.Contains((await listed.Content.ReadFromJsonAsync<List<TodoDto>>())!, item => item.TodoId == todo.TodoId);
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/todos")).StatusCode);

            // A new key signs the tokens made after it, which the running API accepts once it has read the change.
            await UserJwtsAsync(userSecrets, "key", "--reset", "--force");
            var signedWithNewKey = await UserJwtsAsync(userSecrets, "create", "--name", "grace", "--output", "token");
            Assert.True(await Poll.UntilAsync(async () =>
            {
                using var response = await PostAsync(anonymous, signedWithNewKey, TodoTestData.ValidBody());
                return response.StatusCode == HttpStatusCode.Created;
            }, TimeSpan.FromSeconds(10)), "a token signed with the reset key was still refused after 10 s");
            // The tool found the issuer and audience already there: the committed file is as it was.
            Assert.Equal(committed, await File.ReadAllTextAsync(developmentSettings));
        }
        finally
        {
            await File.WriteAllTextAsync(developmentSettings, committed);
            userSecrets.Delete(recursive: true);
        }
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string token, object body) =>
        SendAsync(client, token, HttpMethod.Post, "/todos", JsonContent.Create(body));

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string token, HttpMethod method, string path, HttpContent? content = null) =>
        client.SendAsync(new HttpRequestMessage(method, path) { Content = content, Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } });

    private static async Task<string> UserJwtsAsync(DirectoryInfo userSecrets, params string[] arguments)
    {
        var (exitCode, output) = await ExternalCommand.RunAsync("dotnet", ["user-jwts", .. arguments, "--project", s_project],
            TimeSpan.FromMinutes(2), Repository.Root, new Dictionary<string, string?>
            {
                ["APPDATA"] = userSecrets.FullName,
                ["DOTNET_NOLOGO"] = "1",
            }, standardOutputOnly: true);
        Assert.True(exitCode == 0, output);
        return output.Trim();
    }
}
