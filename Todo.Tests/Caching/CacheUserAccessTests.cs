using System.Net;
using System.Net.Http.Json;
using StackExchange.Redis;
using Todo.Aws.Stacks;
using Todo.ServiceDefaults.OutputCaching;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Caching;

/// <summary>
/// The rights ElastiCache gives the API's Redis user on AWS (<see cref="CacheStack.ApplicationAccess"/>), set on the
/// test Redis for a user of this test's own: the API caches, serves hits and invalidates with them and nothing is
/// refused, while the user cannot touch other keys or run commands the store does not send.
/// </summary>
[Collection(TodoSystemCollection.Name)]
public sealed class CacheUserAccessTests(TodoSystem system)
{
    [Fact]
    public async Task The_api_caches_and_invalidates_with_only_the_rights_its_aws_user_has()
    {
        var (user, password) = ($"acl-{Guid.NewGuid():N}", Guid.NewGuid().ToString("N"));
        await using var admin = await ConnectionMultiplexer.ConnectAsync($"{system.CacheConnectionString},allowAdmin=true");
        var server = admin.GetServers().Single();
        await server.ExecuteAsync("ACL", ["SETUSER", user, "reset", .. CacheStack.ApplicationAccess.Split(' '), $">{password}"]);
        await server.ExecuteAsync("ACL", "LOG", "RESET");
        try
        {
            await using var api = TodoApiInstance.Start(system.TodosConnectionString, $"{system.CacheConnectionString},user={user},password={password}");
            var todo = await api.Client.CreateTodoAsync();
            var path = $"/todos/{todo.TodoId}";

            using var computed = await api.Client.GetAsync(path);
            using var cached = await api.Client.GetAsync(path);
            using var changed = await api.Client.PatchAsJsonAsync(path, new { title = "Changed" });
            using var afterChange = await api.Client.GetAsync(path);
            using var health = await api.Client.GetAsync("/health");

            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            Assert.False(computed.Headers.Contains("Age"));
            Assert.True(cached.Headers.Contains("Age"), "the second read was not served from Redis");
            Assert.Contains("Changed", await afterChange.Content.ReadAsStringAsync());
            Assert.False(afterChange.Headers.Contains("Age"), "the change did not invalidate the cached todo");
            Assert.Contains("\"Healthy\"", await health.Content.ReadAsStringAsync());
            Assert.Empty(await RefusalsAsync(server, user));
        }
        finally
        {
            await server.ExecuteAsync("ACL", "DELUSER", user);
        }
    }

    [Fact]
    public async Task The_aws_user_cannot_reach_other_keys_or_run_what_the_store_does_not_send()
    {
        var (user, password) = ($"acl-{Guid.NewGuid():N}", Guid.NewGuid().ToString("N"));
        await using var admin = await ConnectionMultiplexer.ConnectAsync($"{system.CacheConnectionString},allowAdmin=true");
        var server = admin.GetServers().Single();
        await server.ExecuteAsync("ACL", ["SETUSER", user, "reset", .. CacheStack.ApplicationAccess.Split(' '), $">{password}"]);
        try
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync($"{system.CacheConnectionString},user={user},password={password}");
            var database = redis.GetDatabase();
            var prefix = new OutputCacheStoreOptions().KeyPrefix;

            await database.ScriptEvaluateAsync("return redis.call('SET', KEYS[1], ARGV[1], 'PX', 60000)", [$"{prefix}{{acl-test}}"], ["1"]);
            Assert.Equal("1", await database.StringGetAsync($"{prefix}{{acl-test}}"));
            foreach (var refused in new Func<Task>[]
            {
                () => database.StringGetAsync("session:someone-else"),
                () => database.ScriptEvaluateAsync("return redis.call('GET', KEYS[1])", ["session:someone-else"]),
                () => database.KeyDeleteAsync($"{prefix}{{acl-test}}"),
                () => database.ExecuteAsync("KEYS", "*"),
                () => database.ExecuteAsync("FLUSHALL"),
                () => database.ExecuteAsync("CONFIG", "GET", "*"),
                () => database.ExecuteAsync("ACL", "LIST"),
                () => database.StringSetAsync("session:someone-else", "taken"),
            })
            {
                var error = await Assert.ThrowsAsync<RedisServerException>(refused);
                Assert.True(error.Message.StartsWith("NOPERM", StringComparison.Ordinal), error.Message);
            }
            Assert.Contains(await RefusalsAsync(server, user), refusal => refusal.StartsWith("command FLUSHALL", StringComparison.OrdinalIgnoreCase));
        }
        finally
        {
            await server.ExecuteAsync("ACL", "DELUSER", user);
        }
    }

    /// <summary>What Redis refused <paramref name="user"/>, from its ACL log: "command GET on key session:x", say.</summary>
    private static async Task<List<string>> RefusalsAsync(IServer server, string user)
    {
        var entries = (RedisResult[])(await server.ExecuteAsync("ACL", "LOG"))!;
        return entries
            .Select(entry => ((RedisResult[])entry!).Chunk(2).ToDictionary(pair => (string)pair[0]!, pair => pair[1].ToString()))
            .Where(entry => entry["username"] == user)
            .Select(entry => $"{entry["reason"]} {entry["object"]} ({entry["context"]})")
            .ToList();
    }
}
