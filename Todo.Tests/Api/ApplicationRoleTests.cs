using System.Net;
using System.Net.Http.Json;
using Npgsql;
using Todo.Hosting.LocalServices;
using Todo.Api.Todos;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>
/// The API on AWS connects as an application role, not as the database's owner: <c>Todo.Api migrate</c>, run with the
/// owner's credentials, applies the migrations and creates and grants the role; the API then reads and writes rows as
/// the role and cannot change the schema. A rotation that alternates users (what Secrets Manager's multi-user rotation
/// does: a <c>_clone</c> role made a member of the first) lets instances on the old and the new credentials serve at once.
/// </summary>
[Collection(TodoSystemCollection.Name)]
[Trait("Category", "Slow")]
public sealed class ApplicationRoleTests(TodoSystem system)
{
    [Fact]
    public async Task Migrate_creates_a_role_that_serves_the_api_and_cannot_change_the_schema()
    {
        await using var database = await ScratchDatabase.CreateAsync(system.TodosConnectionString);

        var (exitCode, output) = await MigrateAsync(database.OwnerConnectionString, database.Role, database.Password);
        var (again, outputAgain) = await MigrateAsync(database.OwnerConnectionString, database.Role, password: null);

        Assert.True(exitCode == 0, output);
        Assert.True(again == 0, outputAgain);
        var asRole = database.ConnectionStringFor(database.Role, database.Password);
        await using var api = TodoApiInstance.Start(asRole, system.CacheConnectionString,
            new Dictionary<string, string?> { ["Database:MigrateOnStartup"] = "false" });
        var created = await api.Client.CreateTodoAsync();
        using var changed = await api.Client.PatchAsJsonAsync($"/todos/{created.TodoId}", new { title = "Changed" });
        using var deleted = await api.Client.DeleteAsync($"/todos/{created.TodoId}");
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        foreach (var statement in new[]
        {
            "CREATE TABLE intruder (id int)",
            "DROP TABLE todos",
            "ALTER TABLE todos ADD COLUMN intruder int",
            "DELETE FROM \"__EFMigrationsHistory\"",
            "CREATE ROLE intruder LOGIN",
            $"ALTER ROLE {database.Role} CREATEDB",
        })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => Sql.ExecuteAsync(asRole, statement));
            Assert.True(refused.SqlState is PostgresErrorCodes.InsufficientPrivilege, $"{statement}: {refused.SqlState} {refused.MessageText}");
        }
    }

    [Fact]
    public async Task Instances_on_the_credentials_before_and_after_an_alternating_rotation_serve_side_by_side()
    {
        await using var database = await ScratchDatabase.CreateAsync(system.TodosConnectionString);
        var (exitCode, output) = await MigrateAsync(database.OwnerConnectionString, database.Role, database.Password);
        Assert.True(exitCode == 0, output);
        var settings = new Dictionary<string, string?> { ["Database:MigrateOnStartup"] = "false" };
        await using var before = TodoApiInstance.Start(database.ConnectionStringFor(database.Role, database.Password), system.CacheConnectionString, settings);

        // What Secrets Manager's PostgreSQL multi-user rotation does with the owner's credentials (its setSecret step).
        var clone = $"{database.Role}_clone";
        var clonePassword = Guid.NewGuid().ToString("N");
        await Sql.ExecuteAsync(database.OwnerConnectionString, $"CREATE ROLE {clone} WITH LOGIN PASSWORD '{clonePassword}'; GRANT {database.Role} TO {clone}");
        await using var after = TodoApiInstance.Start(database.ConnectionStringFor(clone, clonePassword), system.CacheConnectionString, settings);
        var (again, outputAgain) = await MigrateAsync(database.OwnerConnectionString, database.Role, password: null);

        var fromBefore = await before.Client.CreateTodoAsync();
        var fromAfter = await after.Client.CreateTodoAsync();
        Assert.True(again == 0, outputAgain);
        Assert.Equal(fromBefore, await after.Client.GetFromJsonAsync<TodoDto>($"/todos/{fromBefore.TodoId}"));
        Assert.Equal(fromAfter, await before.Client.GetFromJsonAsync<TodoDto>($"/todos/{fromAfter.TodoId}"));
        using var deleted = await after.Client.DeleteAsync($"/todos/{fromBefore.TodoId}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task Two_migrations_started_together_both_succeed_and_make_the_role_once()
    {
        await using var database = await ScratchDatabase.CreateAsync(system.TodosConnectionString);
        Task<(int ExitCode, string Output)>[] migrations;
        // Holding back role changes until both migrations are waiting: each waits to create the role, or one waits
        // for the other's migration lock.
        await using (var roles = await HeldLock.TakeAsync(system.TodosConnectionString, "LOCK TABLE pg_catalog.pg_authid IN SHARE ROW EXCLUSIVE MODE"))
        {
            migrations = [MigrateAsync(database.OwnerConnectionString, database.Role, database.Password),
                MigrateAsync(database.OwnerConnectionString, database.Role, database.Password)];
            await roles.WaitForWaitersAsync(1, TimeSpan.FromMinutes(1));
            await database.WaitForSessionsWaitingOnLocksAsync(2, TimeSpan.FromMinutes(1));
        }
        var results = await Task.WhenAll(migrations);

        Assert.All(results, result => Assert.True(result.ExitCode == 0, result.Output));
        await using var api = TodoApiInstance.Start(database.ConnectionStringFor(database.Role, database.Password), system.CacheConnectionString,
            new Dictionary<string, string?> { ["Database:MigrateOnStartup"] = "false" });
        await api.Client.CreateTodoAsync();
    }

    [Fact]
    public async Task Migrate_without_the_password_of_a_role_it_must_create_fails_and_says_what_is_missing()
    {
        await using var database = await ScratchDatabase.CreateAsync(system.TodosConnectionString);

        var (exitCode, output) = await MigrateAsync(database.OwnerConnectionString, database.Role, password: null);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Database:ApplicationRole:Password", output);
    }

    private static Task<(int ExitCode, string Output)> MigrateAsync(string ownerConnectionString, string role, string? password) =>
        ExternalCommand.RunAsync("dotnet", [ApiProcess.BuiltApi, "migrate"], TimeSpan.FromMinutes(2), environment: new Dictionary<string, string?>
        {
            ["ConnectionStrings__todos"] = ownerConnectionString,
            ["Database__ApplicationRole__Name"] = role,
            ["Database__ApplicationRole__Password"] = password,
            ["DOTNET_ENVIRONMENT"] = "Production",
        });

    /// <summary>A database and role names of a test's own, dropped with the roles afterwards.</summary>
    private sealed class ScratchDatabase : IAsyncDisposable
    {
        private readonly string _serverConnectionString;
        private readonly string _name;

        private ScratchDatabase(string serverConnectionString, string name)
        {
            _serverConnectionString = serverConnectionString;
            _name = name;
            Role = $"{name}_api";
            OwnerConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;
        }

        public string Role { get; }

        public string Password { get; } = Guid.NewGuid().ToString("N");

        public string OwnerConnectionString { get; }

        public static async Task<ScratchDatabase> CreateAsync(string serverConnectionString)
        {
            var database = new ScratchDatabase(serverConnectionString, $"todos_role_{Guid.NewGuid():N}"[..24]);
            await Sql.ExecuteAsync(serverConnectionString, $"CREATE DATABASE {database._name}");
            return database;
        }

        /// <summary>Waits until <paramref name="sessions"/> sessions of this database wait for a lock, whichever.</summary>
        public async Task WaitForSessionsWaitingOnLocksAsync(int sessions, TimeSpan limit)
        {
            await using var connection = new NpgsqlConnection(_serverConnectionString);
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", connection)
            {
                Parameters = { new() { Value = _name } },
            };
            Assert.True(await Poll.UntilAsync(async () => (long)(await count.ExecuteScalarAsync())! >= sessions, limit),
                $"fewer than {sessions} sessions of {_name} came to wait for a lock");
        }

        public string ConnectionStringFor(string role, string password) =>
            new NpgsqlConnectionStringBuilder(OwnerConnectionString) { Username = role, Password = password }.ConnectionString;

        public async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await Sql.ExecuteAsync(_serverConnectionString, $"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
            await Sql.ExecuteAsync(_serverConnectionString, $"DROP ROLE IF EXISTS {Role}_clone; DROP ROLE IF EXISTS {Role}");
        }
    }
}
