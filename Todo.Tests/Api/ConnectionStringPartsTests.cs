using Npgsql;
using StackExchange.Redis;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>
/// Connection strings whose secret parts arrive on their own, as ECS injects them on AWS
/// (<c>ConnectionStrings__todos__Password</c> beside <c>ConnectionStrings__todos</c>): the API puts them together.
/// </summary>
[Collection(TodoSystemCollection.Name)]
public sealed class ConnectionStringPartsTests(TodoSystem system)
{
    [Fact]
    public async Task Host_port_user_and_password_given_apart_from_the_connection_strings_reach_postgresql_and_redis()
    {
        var todos = new NpgsqlConnectionStringBuilder(system.TodosConnectionString);
        var cache = ConfigurationOptions.Parse(system.CacheConnectionString);
        var endpoint = system.CacheConnectionString.Split(',')[0];
        await using var api = TodoApiInstance.Start($"Database={todos.Database}", endpoint, new Dictionary<string, string?>
        {
            ["ConnectionStrings:todos:Host"] = todos.Host,
            ["ConnectionStrings:todos:Port"] = todos.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ConnectionStrings:todos:Username"] = todos.Username,
            ["ConnectionStrings:todos:Password"] = todos.Password,
            ["ConnectionStrings:cache:password"] = cache.Password,
        });

        var created = await api.Client.CreateTodoAsync();
        (await api.Client.GetAsync($"/todos/{created.TodoId}")).Dispose();
        using var cached = await api.Client.GetAsync($"/todos/{created.TodoId}");

        Assert.True(cached.Headers.Contains("Age"), "the second read did not come from Redis");
    }

    [Fact]
    public void A_part_the_redis_client_does_not_take_stops_the_start_naming_it()
    {
        var failure = Assert.ThrowsAny<Exception>(() => TodoApiInstance.Start(system.TodosConnectionString, system.CacheConnectionString,
            new Dictionary<string, string?> { ["ConnectionStrings:cache:Passwort"] = "x" }));

        Assert.Contains("ConnectionStrings:cache:Passwort", failure.ToString());
    }
}
