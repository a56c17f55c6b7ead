using System.Net;
using System.Net.Http.Json;
using StackExchange.Redis;
using Todo.Aws.Stacks;
using Todo.SharedOutputCache;
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
    /// <summary>
    /// Every command the API sends, connecting included, is one its user may run: a refused one is logged by the server
    /// (ACL LOG), and one the test's Redis does not know yet is checked by ACL DRYRUN, which answers OK only for a command
    /// the user may run ("ACL DRYRUN", https://redis.io/docs/latest/commands/acl-dryrun/). Since Redis 7.2 clients
    /// identify themselves on connect with CLIENT SETINFO ("CLIENT SETINFO", https://redis.io/docs/latest/commands/client-setinfo/),
    /// which ElastiCache's newer engines know and would refuse this user.
    /// </summary>
    [Fact]
    public async Task The_api_caches_and_invalidates_with_only_the_rights_its_aws_user_has()
    {
        await using var user = await AwsCacheUser.CreateAsync(system.CacheConnectionString);
        await user.Server.ExecuteAsync("ACL", "LOG", "RESET");
        await using var recorder = RedisCommandRecorder.Start(user.ConnectionString);
        await using var api = TodoApiInstance.Start(system.TodosConnectionString, recorder.ConnectionString);
        var todo = await api.Client.CreateTodoAsync();
        var path = $"/todos/{todo.TodoId}";

        using var computed = await api.Client.GetAsync(path);
        // A computed response is stored once it has been sent, so a read right after it may still miss.
        var cached = await Poll.UntilAsync(async () =>
        {
            using var read = await api.Client.GetAsync(path);
            return read.Headers.Contains("Age");
        }, TimeSpan.FromSeconds(10));
        using var changed = await api.Client.PatchAsJsonAsync(path, new { title = "Changed" });
        using var afterChange = await api.Client.GetAsync(path);
        using var health = await api.Client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.False(computed.Headers.Contains("Age"));
        Assert.True(cached, "no read was served from Redis");
        Assert.Contains("Changed", await afterChange.Content.ReadAsStringAsync());
        Assert.False(afterChange.Headers.Contains("Age"), "the change did not invalidate the cached todo");
        Assert.Contains("\"Healthy\"", await health.Content.ReadAsStringAsync());
        Assert.Empty(await user.RefusalsAsync());
        var refused = new List<string>();
        foreach (var command in recorder.Commands.DistinctBy(command => string.Join(' ', command.Select(Convert.ToBase64String))))
        {
            var answer = await user.DryRunAsync(command);
            if (answer != "OK")
            {
                refused.Add($"{System.Text.Encoding.UTF8.GetString(command[0])} {(command.Length > 1 ? System.Text.Encoding.UTF8.GetString(command[1]) : "")}: {answer}");
            }
        }
        Assert.Empty(refused);
        // The recorder saw the store's own traffic, not only the connection's.
        Assert.Contains(recorder.Commands, command => System.Text.Encoding.UTF8.GetString(command[0]).Equals("GET", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_aws_user_cannot_reach_other_keys_or_run_what_the_store_does_not_send()
    {
        await using var user = await AwsCacheUser.CreateAsync(system.CacheConnectionString);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(user.ConnectionString);
        var database = redis.GetDatabase();
        var prefix = new SharedOutputCacheOptions().KeyPrefix;

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
        Assert.Contains(await user.RefusalsAsync(), refusal => refusal.StartsWith("command FLUSHALL", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A user of the test Redis with exactly the AWS user's rights, deleted afterwards.</summary>
    private sealed class AwsCacheUser : IAsyncDisposable
    {
        private readonly ConnectionMultiplexer _admin;
        private readonly string _name = $"acl-{Guid.NewGuid():N}";
        private readonly string _password = Guid.NewGuid().ToString("N");

        private AwsCacheUser(ConnectionMultiplexer admin, string cacheConnectionString)
        {
            _admin = admin;
            Server = admin.GetServers().Single();
            ConnectionString = $"{cacheConnectionString},user={_name},password={_password}";
        }

        /// <summary>The server, as an administrator.</summary>
        public IServer Server { get; }

        /// <summary>The test Redis's connection string, as this user.</summary>
        public string ConnectionString { get; }

        public static async Task<AwsCacheUser> CreateAsync(string cacheConnectionString)
        {
            var user = new AwsCacheUser(await ConnectionMultiplexer.ConnectAsync($"{cacheConnectionString},allowAdmin=true"), cacheConnectionString);
            await user.Server.ExecuteAsync("ACL", ["SETUSER", user._name, "reset", .. CacheStack.ApplicationAccess.Split(' '), $">{user._password}"]);
            return user;
        }

        /// <summary>What the server says to this user running <paramref name="command"/>: OK, or why not.</summary>
        public async Task<string> DryRunAsync(byte[][] command)
        {
            try
            {
                return (await Server.ExecuteAsync("ACL", ["DRYRUN", _name, .. command.Select(argument => (object)argument)])).ToString();
            }
            catch (RedisServerException refused)
            {
                return refused.Message;
            }
        }

        /// <summary>What Redis refused this user, from its ACL log: "command GET on key session:x", say.</summary>
        public async Task<List<string>> RefusalsAsync()
        {
            var entries = (RedisResult[])(await Server.ExecuteAsync("ACL", "LOG"))!;
            return entries
                .Select(entry => ((RedisResult[])entry!).Chunk(2).ToDictionary(pair => (string)pair[0]!, pair => pair[1].ToString()))
                .Where(entry => entry["username"] == _name)
                .Select(entry => $"{entry["reason"]} {entry["object"]} ({entry["context"]})")
                .ToList();
        }

        public async ValueTask DisposeAsync()
        {
            await Server.ExecuteAsync("ACL", "DELUSER", _name);
            await _admin.DisposeAsync();
        }
    }
}
