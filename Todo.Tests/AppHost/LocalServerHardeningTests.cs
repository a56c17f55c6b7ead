using System.Globalization;
using System.Runtime.Versioning;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StackExchange.Redis;
using Todo.Hosting.LocalServices;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.AppHost;

/// <summary>PostgreSQL and Redis as local processes, attacked as another user of the machine or a client with the password would.</summary>
[Trait("Category", "AppHost")]
[SupportedOSPlatform("linux")]
public sealed class LocalServerHardeningTests(LocalServerHardeningTests.ProcessServers servers) : IClassFixture<LocalServerHardeningTests.ProcessServers>
{
    /// <summary>Run as root, the AppHost starts each server as its system account; otherwise as the developer's own.</summary>
    [Fact]
    public void Neither_server_runs_as_root()
    {
        foreach (var (pid, account) in new[] { (servers.RedisPid, LocalBinaries.Find().RedisAccount), (servers.PostgresPid, "postgres") })
        {
            var expected = ServerAccount.For(account).UserId.ToString(CultureInfo.InvariantCulture);
            var ids = File.ReadLines($"/proc/{pid}/status").Single(line => line.StartsWith("Uid:", StringComparison.Ordinal))
                .Split('\t', StringSplitOptions.RemoveEmptyEntries)[1..];

            // Real, effective, saved and file-system user ids alike.
            Assert.Equal([expected, expected, expected, expected], ids);
            Assert.NotEqual("0", expected);
        }
    }

    /// <summary>A port picked free can be taken by someone else before the server binds it; a socket in a closed directory cannot.</summary>
    [Fact]
    public void The_servers_listen_on_unix_sockets_in_closed_directories_and_on_no_tcp_port()
    {
        var listening = File.ReadLines("/proc/net/tcp").Concat(File.ReadLines("/proc/net/tcp6")).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields[3] == "0A")
            .Select(fields => fields[9])
            .ToHashSet();

        foreach (var (pid, socket) in new[] { (servers.RedisPid, servers.Redis.Socket), (servers.PostgresPid, servers.Postgres.Socket) })
        {
            var sockets = Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd")
                .Select(fd => new FileInfo(fd).LinkTarget ?? "")
                .Where(target => target.StartsWith("socket:[", StringComparison.Ordinal))
                .Select(target => target["socket:[".Length..^1]);
            Assert.DoesNotContain(sockets, listening.Contains);
            Assert.True(File.Exists(socket), $"{socket} is missing");
            Assert.Equal(PrivateDirectory.OwnerOnly, File.GetUnixFileMode(Path.GetDirectoryName(socket)!));
        }
    }

    /// <summary>Whoever has the password still cannot make Redis write files elsewhere, load a module or run DEBUG.</summary>
    [Theory]
    [InlineData("CONFIG", "SET", "dir", "/tmp")]
    [InlineData("CONFIG", "SET", "dbfilename", "authorized_keys")]
    [InlineData("MODULE", "LOAD", "/tmp/anything.so")]
    [InlineData("DEBUG", "SLEEP", "0")]
    public async Task Redis_refuses_commands_that_reach_beyond_it_even_with_the_password(string command, params string[] arguments)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(servers.CacheConnectionString);

        var refused = await Assert.ThrowsAsync<RedisServerException>(() => redis.GetDatabase().ExecuteAsync(command, arguments));

        Assert.Matches("protected config|not allowed", refused.Message);
    }

    [Fact]
    public async Task PostgreSQL_asks_for_scram_and_the_client_accepts_nothing_else()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(servers.TodosConnectionString);

        Assert.Equal("ScramSHA256", connectionString["Require Auth"]?.ToString(), ignoreCase: true);
        await using var connection = new NpgsqlConnection(connectionString.ConnectionString);
        await connection.OpenAsync();
        await using var method = new NpgsqlCommand("SELECT auth_method FROM pg_hba_file_rules WHERE type = 'local'", connection);
        Assert.Equal("scram-sha-256", await method.ExecuteScalarAsync());
    }

    public sealed class ProcessServers : IAsyncLifetime
    {
        private TodoServers? _servers;

        public string TodosConnectionString { get; private set; } = "";

        public string CacheConnectionString { get; private set; } = "";

        public RedisProcessResource Redis { get; private set; } = null!;

        public PostgresProcessResource Postgres { get; private set; } = null!;

        public int RedisPid { get; private set; }

        public int PostgresPid { get; private set; }

        public async Task InitializeAsync()
        {
            _servers = await TodoServers.StartProcessesAsync("postgres", "todos", "cache");
            var model = _servers.App.Services.GetRequiredService<DistributedApplicationModel>();
            Redis = model.Resources.OfType<RedisProcessResource>().Single();
            Postgres = model.Resources.OfType<PostgresProcessResource>().Single();
            TodosConnectionString = await _servers.ConnectionStringAsync("todos");
            CacheConnectionString = await _servers.ConnectionStringAsync("cache");
            // Redis names its socket in its process title; the postmaster's pid is the first line of its pid file.
            RedisPid = Directory.EnumerateDirectories("/proc").Select(Path.GetFileName)
                .Where(name => int.TryParse(name, out _))
                .Select(name => int.Parse(name!, CultureInfo.InvariantCulture))
                .Single(pid => ReadOrEmpty($"/proc/{pid}/cmdline").Contains(Redis.Socket, StringComparison.Ordinal));
            PostgresPid = int.Parse(File.ReadLines(Path.Combine(Postgres.ClusterDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        }

        public async Task DisposeAsync()
        {
            if (_servers is not null)
            {
                await _servers.DisposeAsync();
            }
        }

        private static string ReadOrEmpty(string path)
        {
            try
            {
                return File.ReadAllText(path);
            }
            catch (IOException)
            {
                return "";
            }
        }
    }
}
