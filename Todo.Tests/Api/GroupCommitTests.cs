using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Api;

/// <summary>Creates that arrive together are written together, and still answered one by one.</summary>
[Collection(TodoSystemCollection.Name)]
public sealed class GroupCommitTests(TodoSystem system)
{
    [Fact]
    public async Task A_row_postgres_refuses_fails_only_its_own_create_though_it_came_in_a_batch()
    {
        var logs = new ConcurrentQueue<string>();
        await using var api = system.StartAnotherApi(configure: web => web.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(logs))));
        var owner = TodoTestData.NewOwner();
        await using var database = new NpgsqlConnection(system.TodosConnectionString);
        await database.OpenAsync();
        // A rule of this test's own, so that PostgreSQL itself refuses one create that the API accepted.
        await ExecuteAsync(database, "ALTER TABLE todos ADD CONSTRAINT ck_test_no_poison CHECK (title <> 'poison') NOT VALID");
        try
        {
            // Inserts wait behind this lock: the first creates hold every batch writer, and the refused create queues
            // among others, so that they all go as one batch when the lock goes.
            await using var locked = await database.BeginTransactionAsync();
            await ExecuteAsync(database, "LOCK TABLE todos IN SHARE MODE");
            Task<HttpResponseMessage> Create(int i) => api.Client.PostAsJsonAsync("/todos", TodoTestData.ValidBody(owner, $"Batch {i}"));
            var good = Enumerable.Range(0, 10).Select(Create).ToList();
            await Task.Delay(100);
            good.AddRange(Enumerable.Range(10, 10).Select(Create));
            await Task.Delay(100);
            var poison = api.Client.PostAsJsonAsync("/todos", TodoTestData.ValidBody(owner, "poison"));
            good.AddRange(Enumerable.Range(20, 20).Select(Create));
            await Task.Delay(150);
            await locked.CommitAsync();

            var created = await Task.WhenAll(good);
            using var refused = await poison;

            Assert.All(created, response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));
            Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            foreach (var response in created)
            {
                using var read = await api.Client.GetAsync(response.Headers.Location);
                Assert.Equal(HttpStatusCode.OK, read.StatusCode);
                response.Dispose();
            }
            // Only a batch of more than one is written again row by row, and says so.
            Assert.Contains(logs, line => line.Contains("refused a batch of", StringComparison.Ordinal));
        }
        finally
        {
            await ExecuteAsync(database, "ALTER TABLE todos DROP CONSTRAINT ck_test_no_poison");
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
