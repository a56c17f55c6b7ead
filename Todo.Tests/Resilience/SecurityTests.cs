using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Todo.Hosting.LocalServices;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackExchange.Redis;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Resilience;

[Collection(TodoSystemCollection.Name)]
[Trait("Category", "Resilience")]
public sealed class SecurityTests(TodoSystem system)
{
    [Fact]
    public async Task No_password_or_connection_string_reaches_logs_or_traces()
    {
        var logs = new ConcurrentQueue<string>();
        var spans = new ConcurrentQueue<string>();
        using var listener = ListenToEverySpan(spans);
        await using var api = TodoApiInstance.Start(system.TodosConnectionString, system.CacheConnectionString,
            configure: builder => builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new CapturingLoggerProvider(logs))));

        var todo = await api.Client.CreateTodoAsync();
        (await api.Client.GetAsync($"/todos/{todo.TodoId}")).Dispose();
        (await api.Client.GetAsync($"/todos/{todo.TodoId}")).Dispose();
        (await api.Client.PatchAsync($"/todos/{todo.TodoId}", JsonContent.Create(new { status = "done" }))).Dispose();
        (await api.Client.PostAsync("/todos", new StringContent("{bad json"))).Dispose();
        (await api.Client.GetAsync("/health")).Dispose();
        await using (var wrongPassword = TodoApiInstance.Start(
            new NpgsqlConnectionStringBuilder(system.TodosConnectionString) { Password = "not-the-password" }.ConnectionString,
            system.CacheConnectionString,
            settings: new Dictionary<string, string?> { ["Database:MigrateOnStartup"] = "false" },
            configure: builder => builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(logs)))))
        {
            (await wrongPassword.Client.GetAsync($"/todos/{todo.TodoId}")).Dispose();
        }

        var secrets = Secrets();
        Assert.NotEmpty(logs);
        Assert.NotEmpty(spans);
        foreach (var text in logs.Concat(spans))
        {
            Assert.DoesNotContain(secrets, secret => text.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotMatch("(?i)password\\s*=\\s*[^;*\\s]", text);
        }
    }

    [Fact]
    public async Task No_bearer_token_reaches_logs_or_traces_valid_or_not()
    {
        var logs = new ConcurrentQueue<string>();
        var spans = new ConcurrentQueue<string>();
        using var listener = ListenToEverySpan(spans);
        await using var api = TodoApiInstance.Start(system.TodosConnectionString, system.CacheConnectionString,
            settings: new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace", ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace" },
            configure: builder => builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new CapturingLoggerProvider(logs))));
        var tokens = new List<string> { TestTokens.Shared.For(TestTokens.DefaultUser), TestTokens.Shared.Admin() };
        tokens.AddRange(new[] { "bad signature", "alg none", "expired", "wrong audience", "oversized" }
            .Select(kind => Api.AuthenticationTests.BadAuthorization(kind)!["Bearer ".Length..]));

        using var client = api.CreateClient();
        foreach (var token in tokens)
        {
            foreach (var request in new[] { HttpMethod.Get, HttpMethod.Post })
            {
                using var message = new HttpRequestMessage(request, "/todos")
                {
                    Headers = { Authorization = new("Bearer", token) },
                    Content = request == HttpMethod.Post ? JsonContent.Create(TodoTestData.ValidBody()) : null,
                };
                (await client.SendAsync(message)).Dispose();
            }
        }

        Assert.Contains(logs, line => line.Contains("Bearer was not authenticated", StringComparison.Ordinal));
        Assert.Contains(spans, span => span.Contains("401", StringComparison.Ordinal));
        // A token's signature is what makes it a credential; no part of a token longer than its header may appear.
        var secrets = tokens.Select(token => token.Split('.')).SelectMany(parts => parts.Skip(1)).Where(part => part.Length >= 16).ToList();
        foreach (var text in logs.Concat(spans))
        {
            Assert.DoesNotContain(secrets, secret => text.Contains(secret, StringComparison.Ordinal));
        }
    }

    /// <summary>Every span of this process, with its tags and its events' tags, into <paramref name="spans"/>.</summary>
    private static ActivityListener ListenToEverySpan(ConcurrentQueue<string> spans)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => spans.Enqueue(
                $"{activity.DisplayName} {string.Join(' ', activity.TagObjects.Select(tag => $"{tag.Key}={tag.Value}"))} " +
                string.Join(' ', activity.Events.SelectMany(e => e.Tags.Select(tag => $"{tag.Key}={tag.Value}")))),
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    [Fact]
    public async Task Api_responses_carry_security_headers_and_do_not_name_the_server()
    {
        foreach (var path in new[] { "/", "/todos?limit=1", $"/todos/{Guid.CreateVersion7()}", "/todos/not-a-uuid", "/alive", "/health" })
        {
            using var response = await system.Client.GetAsync(path);

            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
            Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
            Assert.Contains("default-src 'none'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
            Assert.False(response.Headers.Contains("Server"), path);
            Assert.False(response.Headers.Contains("X-Powered-By"), path);
        }
    }

    [Fact]
    public async Task Local_server_passwords_are_generated_secrets_never_defaults()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("todo-model-");
        try
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Todo_AppHost>(
                ["--Todo:LocalServices=processes", $"--Todo:DataDirectory={dataDirectory.FullName}"]);
            var postgres = builder.Resources.OfType<PostgresProcessResource>().Single().PasswordParameter;
            var redis = builder.Resources.OfType<RedisProcessResource>().Single().PasswordParameter;
            var manifest = AwsSynthesis.CommittedManifest();

            Assert.Equal(["postgres-password", "cache-password"], new[] { postgres.Name, redis.Name });
            Assert.All(new[] { postgres, redis }, password =>
            {
                Assert.True(password.Secret);
                // Generated once per machine and kept in the AppHost's user secrets; what it generates is in the manifest below.
                Assert.Equal("UserSecretsParameterDefault", password.Default!.GetType().Name);
            });
            foreach (var name in new[] { "postgres-password", "cache-password" })
            {
                var input = manifest[name].Json.GetProperty("inputs").GetProperty("value");
                Assert.True(input.GetProperty("secret").GetBoolean());
                Assert.True(input.GetProperty("default").GetProperty("generate").GetProperty("minLength").GetInt32() >= 22);
                Assert.False(input.GetProperty("default").TryGetProperty("value", out _));
            }
        }
        finally
        {
            dataDirectory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_local_servers_refuse_clients_without_the_password()
    {
        var postgres = new NpgsqlConnectionStringBuilder(system.TodosConnectionString) { Password = "wrong", Pooling = false };
        var redis = ConfigurationOptions.Parse(system.CacheConnectionString).EndPoints.Single();

        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());
        using var anonymous = redis is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        await anonymous.ConnectAsync(redis);
        await using var stream = new NetworkStream(anonymous);
        await stream.WriteAsync("GET todo/anything\r\n"u8.ToArray());
        var reply = new byte[256];
        var length = await stream.ReadAsync(reply);

        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
        Assert.StartsWith("-NOAUTH", System.Text.Encoding.ASCII.GetString(reply, 0, length));
    }

    private string[] Secrets() =>
    [
        new NpgsqlConnectionStringBuilder(system.TodosConnectionString).Password!,
        ConfigurationOptions.Parse(system.CacheConnectionString).Password!,
        system.TodosConnectionString,
        system.CacheConnectionString,
    ];
}
