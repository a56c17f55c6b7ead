using System.Net.Http.Json;
using Npgsql;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

[Collection(TodoSystemCollection.Name)]
public sealed class MigrationTests(TodoSystem system)
{
    [Fact]
    public async Task Two_instances_starting_at_once_on_an_empty_database_migrate_it_once_and_both_serve()
    {
        var database = $"todos_migration_{Guid.NewGuid():N}";
        await Sql.ExecuteAsync(system.TodosConnectionString, $"CREATE DATABASE {database}");
        var connectionString = new NpgsqlConnectionStringBuilder(system.TodosConnectionString) { Database = database }.ConnectionString;

        var starting = Enumerable.Range(0, 2)
            .Select(_ => Task.Run(() => TodoApiInstance.Start(connectionString, system.CacheConnectionString)))
            .ToList();
        var instances = await Task.WhenAll(starting);
        try
        {
            var created = await instances[0].Client.CreateTodoAsync();
            var read = await instances[1].Client.GetFromJsonAsync<TodoDto>($"/todos/{created.TodoId}");

            Assert.Equal(created, read);
            var applied = await Sql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM \"__EFMigrationsHistory\"");
            var distinct = await Sql.ScalarAsync<long>(connectionString, "SELECT count(DISTINCT \"MigrationId\") FROM \"__EFMigrationsHistory\"");
            Assert.True(applied > 0);
            Assert.Equal(applied, distinct);
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
