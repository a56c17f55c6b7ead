using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Todo.Api.Todos;
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
        var commit = api.Services.GetRequiredService<TodoGroupCommit>();
        await Sql.ExecuteAsync(system.TodosConnectionString, "ALTER TABLE todos ADD CONSTRAINT ck_test_no_poison CHECK (title <> 'poison') NOT VALID");
        try
        {
            Task<HttpResponseMessage> Create(string title) => api.Client.PostAsJsonAsync("/todos", TodoTestData.ValidBody(owner, title));
            var good = new List<Task<HttpResponseMessage>>();
            Task<HttpResponseMessage> poison;
            // Inserts wait behind this lock: one create holds each batch writer, and the refused create queues among
            // others, so that they all go as one batch once the lock goes.
            await using (var inserts = await HeldLock.TakeAsync(system.TodosConnectionString, "LOCK TABLE todos IN SHARE MODE"))
            {
                good.Add(Create("Batch 0"));
                await inserts.WaitForWaitersAsync(1);
                good.Add(Create("Batch 1"));
                await inserts.WaitForWaitersAsync(2);
                good.AddRange(Enumerable.Range(2, 10).Select(i => Create($"Batch {i}")));
                poison = Create("poison");
                good.AddRange(Enumerable.Range(12, 10).Select(i => Create($"Batch {i}")));
                Assert.True(await Poll.UntilAsync(() => commit.Waiting == 23, TimeSpan.FromSeconds(10)), $"{commit.Waiting} creates waiting");
            }

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
            await Sql.ExecuteAsync(system.TodosConnectionString, "ALTER TABLE todos DROP CONSTRAINT ck_test_no_poison");
        }
    }
}
