using System.Net.Http.Json;
using System.Reflection;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Todo.Api.Data;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

[Collection(TodoSystemCollection.Name)]
[Trait("Category", "Slow")]
public sealed class MigrationTests(TodoSystem system)
{
    /// <summary>
    /// An instance whose migrations are all applied finds that out in one query and takes no lock, so it starts while
    /// another holds the migration lock (applying a newer build's migrations, say). It used to wait for that lock.
    /// </summary>
    [Fact]
    public async Task An_instance_on_a_current_schema_starts_while_another_holds_the_migration_lock()
    {
        await using var migrating = await HeldLock.TakeAsync(system.TodosConnectionString, "SELECT pg_advisory_xact_lock($1)", MigrationLock.LockKey);

        await using var api = await system.StartApiProcessAsync().WaitAsync(TimeSpan.FromSeconds(30));
        using var response = await api.Client.GetAsync("/todos?limit=1");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>
    /// Both instances are held at the migration lock (the test takes it first) until both wait there, so they meet
    /// over an empty database for certain: each migration is applied once, and both instances serve.
    /// </summary>
    [Fact]
    public async Task Two_instances_starting_at_once_on_an_empty_database_migrate_it_once_and_both_serve()
    {
        var database = $"todos_migration_{Guid.NewGuid():N}";
        await Sql.ExecuteAsync(system.TodosConnectionString, $"CREATE DATABASE {database}");
        var connectionString = new NpgsqlConnectionStringBuilder(system.TodosConnectionString) { Database = database }.ConnectionString;
        var migrations = typeof(TodoDbContext).Assembly.GetTypes().Count(type => type.GetCustomAttribute<MigrationAttribute>() is not null);

        List<Task<TodoApiInstance>> starting;
        await using (var migrationLock = await HeldLock.TakeAsync(connectionString, "SELECT pg_advisory_xact_lock($1)", MigrationLock.LockKey))
        {
            starting = [.. Enumerable.Range(0, 2).Select(_ => Task.Run(() => TodoApiInstance.Start(connectionString, system.CacheConnectionString)))];
            await migrationLock.WaitForWaitersAsync(2);
        }
        var instances = await Task.WhenAll(starting);
        try
        {
            var created = await instances[0].Client.CreateTodoAsync();
            var read = await instances[1].Client.GetFromJsonAsync<TodoDto>($"/todos/{created.TodoId}");

            Assert.Equal(created, read);
            Assert.True(migrations > 0);
            Assert.Equal(migrations, await Sql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM \"__EFMigrationsHistory\""));
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }
}
