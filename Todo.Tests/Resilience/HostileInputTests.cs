using System.Net;
using System.Text;
using Todo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Todo.Tests.Resilience;

/// <summary>
/// Ten thousand generated requests of every bad shape: never a 5xx, never a crash, never an internal detail in a
/// response, and afterwards the database holds only valid todos, exactly those the API said it created.
/// </summary>
[Collection(TodoSystemCollection.Name)]
[Trait("Category", "Resilience")]
[Trait("Category", "Slow")]
public sealed class HostileInputTests(TodoSystem system, ITestOutputHelper output)
{
    private static readonly string[] s_leaks = ["   at ", "Exception", "Npgsql", "StackExchange", "SELECT ", "INSERT ", "SqlState", "System.", "Todo.Api"];

    [Fact]
    public async Task Ten_thousand_hostile_requests_get_no_5xx_leak_nothing_and_store_only_valid_todos()
    {
        var generator = new HostileRequests(seed: 20261125, owner: TodoTestData.NewOwner());
        var existing = await system.Client.CreateTodoAsync(generator.Owner);
        var statuses = new Dictionary<int, int>();
        var created = 0;

        await Parallel.ForEachAsync(generator.Take(10_000, existing.TodoId), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (request, _) =>
        {
            var size = request.Content is null ? 0 : (await request.Content.ReadAsByteArrayAsync()).Length;
            // Kestrel may close a connection after a bad request; one connection per request keeps that from
            // surfacing as a lost response to whichever request would have reused it.
            request.Headers.ConnectionClose = true;
            // An oversized body announced by its length is refused with 413 before it is sent.
            request.Headers.ExpectContinue = size > 32 * 1024;
            HttpResponseMessage response;
            try
            {
                response = await system.Client.SendAsync(request);
            }
            catch (HttpRequestException) when (size > 32 * 1024)
            {
                // A body without a length is cut when it passes the limit: Kestrel may close the connection while the
                // client still sends, before the 413 is read. Counted as its own outcome (0), never as a 413.
                lock (statuses)
                {
                    statuses[0] = statuses.GetValueOrDefault(0) + 1;
                }
                return;
            }
            catch (HttpRequestException exception)
            {
                var sent = request.Content is null ? "" : Encoding.UTF8.GetString(await request.Content.ReadAsByteArrayAsync());
                throw new InvalidOperationException(
                    $"{request.Method} {request.RequestUri} ({size} bytes, {request.Content?.Headers.ContentType}; {request.Headers}) lost its response: {sent[..Math.Min(sent.Length, 200)]}", exception);
            }
            using var disposeResponse = response;
            var body = await response.Content.ReadAsStringAsync();
            lock (statuses)
            {
                statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
                created += response.StatusCode == HttpStatusCode.Created && request.Method == HttpMethod.Post ? 1 : 0;
            }
            Assert.True((int)response.StatusCode < 500, $"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {body}");
            var documentation = request.RequestUri!.AbsolutePath.StartsWith("/openapi", StringComparison.Ordinal);
            Assert.False(!documentation && s_leaks.Any(leak => body.Contains(leak, StringComparison.Ordinal)), $"{request.Method} {request.RequestUri} leaked: {body[..Math.Min(body.Length, 500)]}");
        });

        output.WriteLine(string.Join(", ", statuses.OrderBy(pair => pair.Key).Select(pair => $"{pair.Value} × {pair.Key}")));
        Assert.Equal(10_000, statuses.Values.Sum());
        Assert.Equal(HttpStatusCode.OK, (await system.Client.GetAsync("/health")).StatusCode);
        Assert.Equal(created + 1, await CountValidAsync(generator.Owner));
    }

    /// <summary>Rows of the owner that satisfy every rule the validator enforces, counted by PostgreSQL itself.</summary>
    private async Task<long> CountValidAsync(string owner)
    {
        const string sql = """
            SELECT count(*) FROM todos
            WHERE user_email = $1 AND char_length(title) BETWEEN 1 AND 200 AND btrim(title) <> ''
              AND char_length(description) <= 2000 AND status IN ('pending', 'in_progress', 'done')
              AND title !~ '[\x01-\x1f\x7f]' AND description !~ '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]'
              AND char_length(user_email) <= 254 AND user_email ~ '^[^@\s]+@[^@\s]+$' AND user_email !~ '[\x01-\x1f\x7f]'
              AND due_date IS NOT NULL AND created_at <= updated_at
            """;
        var valid = await Sql.ScalarAsync<long>(system.TodosConnectionString, sql, owner);
        Assert.Equal(valid, await Sql.ScalarAsync<long>(system.TodosConnectionString, "SELECT count(*) FROM todos WHERE user_email = $1", owner));
        return valid;
    }
}
