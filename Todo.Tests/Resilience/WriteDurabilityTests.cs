using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Npgsql;
using Todo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Todo.Tests.Resilience;

/// <summary>Every create answered 201 is stored, and retried creates are never doubled, even when an instance dies.</summary>
[Collection(TodoSystemCollection.Name)]
[Trait("Category", "Resilience")]
[Trait("Category", "Slow")]
public sealed class WriteDurabilityTests(TodoSystem system, ITestOutputHelper output)
{
    [Fact]
    public async Task With_one_of_two_instances_killed_midway_every_acknowledged_create_is_stored_exactly_once()
    {
        await using var survivor = await system.StartApiProcessAsync();
        await using var victim = await system.StartApiProcessAsync();
        var owner = TodoTestData.NewOwner();
        var acknowledged = new ConcurrentDictionary<string, Guid>();
        var failedAttempts = 0;
        var replayedAfterCut = 0;
        var answers = new ConcurrentDictionary<string, int>();
        void Count(ApiProcess api, string answer) =>
            answers.AddOrUpdate($"{(api == victim ? "victim" : "survivor")} {answer}", 1, (_, count) => count + 1);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(6));

        var writers = Enumerable.Range(0, 120).Select(writer => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var key = $"{owner}-{writer}-{n}";
                var body = TodoTestData.ValidBody(owner, $"Writer {writer} todo {n}");
                // Try the instance this writer prefers, then retry the same key on the other, as a client would.
                var cut = false;
                foreach (var api in writer % 2 == 0 ? new[] { victim, survivor } : [survivor, victim])
                {
                    try
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Post, "/todos") { Content = JsonContent.Create(body) };
                        request.Headers.Add("Idempotency-Key", key);
                        using var response = await api.Client.SendAsync(request);
                        Count(api, $"{(int)response.StatusCode}");
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            // A create the kill cut after it committed: the retry under its key finds it.
                            if (cut && response.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Single() == "true")
                            {
                                Interlocked.Increment(ref replayedAfterCut);
                            }
                            var todo = (await response.Content.ReadFromJsonAsync<TodoDto>())!;
                            Assert.True(acknowledged.GetOrAdd(key, todo.TodoId) == todo.TodoId, $"{key} was answered with two different todos");
                            break;
                        }
                    }
                    catch (HttpRequestException exception)
                    {
                        Count(api, $"{exception.Message} {exception.InnerException?.Message}");
                        Interlocked.Increment(ref failedAttempts);
                        cut = api == victim;
                    }
                }
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(3));
        var acknowledgedBeforeKill = acknowledged.Count;
        // The kill lands while statements of the victim wait in PostgreSQL (behind a lock the test holds for a moment):
        // they commit after the victim died, unanswered, and their retries on the survivor must find them.
        await using (var inserts = await HeldLock.TakeAsync(system.TodosConnectionString, "LOCK TABLE todos IN SHARE MODE"))
        {
            await inserts.WaitForWaitersAsync(4, TimeSpan.FromSeconds(5));
            await victim.KillAsync();
        }
        await Task.WhenAll(writers);

        var stored = await StoredAsync(owner);
        output.WriteLine($"{acknowledged.Count} creates acknowledged by 120 writers in 6 s, {failedAttempts} attempts cut by the kill, " +
            $"{replayedAfterCut} of them committed unanswered and replayed on the survivor, {stored.Count} rows stored; " +
            $"{acknowledgedBeforeKill} acknowledged before the kill; answers: {string.Join(", ", answers.OrderBy(pair => pair.Key).Select(pair => $"{pair.Key} × {pair.Value}"))}.");
        Assert.True(acknowledged.Count > 100, $"only {acknowledged.Count} creates were acknowledged");
        Assert.True(replayedAfterCut > 0, "no create cut by the kill after it committed was retried and replayed: the race this test is about did not happen");
        Assert.DoesNotContain(acknowledged, pair => !stored.TryGetValue(pair.Key, out var id) || id != pair.Value);
        // A create whose 201 died with the killed instance was retried under its key and replayed: one row per key
        // (StoredAsync would throw on a second), and no row without an acknowledgement.
        Assert.Equal(acknowledged.Count, stored.Count);
    }

    [Fact]
    public async Task A_stopping_instance_answers_the_creates_it_took_and_stores_every_one_it_acknowledged()
    {
        await using var api = await system.StartApiProcessAsync();
        var owner = TodoTestData.NewOwner();
        var acknowledged = new ConcurrentDictionary<string, Guid>();
        var answers = new ConcurrentDictionary<int, int>();
        var dropped = 0;
        var writers = Enumerable.Range(0, 40).Select(writer => Task.Run(async () =>
        {
            for (var n = 0; ; n++)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/todos")
                    {
                        Content = JsonContent.Create(TodoTestData.ValidBody(owner, $"Writer {writer} todo {n}")),
                    };
                    var key = $"{owner}-{writer}-{n}";
                    request.Headers.Add("Idempotency-Key", key);
                    using var response = await api.Client.SendAsync(request);
                    answers.AddOrUpdate((int)response.StatusCode, 1, (_, count) => count + 1);
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        acknowledged[key] = (await response.Content.ReadFromJsonAsync<TodoDto>())!.TodoId;
                    }
                }
                catch (HttpRequestException exception) when (exception.InnerException is System.Net.Sockets.SocketException
                    { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused })
                {
                    return; // the instance no longer takes connections
                }
                catch (HttpRequestException)
                {
                    // A connection closed under a request: one the server never read, or one it dropped, which the
                    // comparison of stored and acknowledged rows finds if it had written it.
                    Interlocked.Increment(ref dropped);
                }
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(2));
        var exitCode = await api.TerminateAsync(TimeSpan.FromSeconds(30));
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(30));

        var stored = await StoredAsync(owner);
        output.WriteLine($"exit code {exitCode}; answers: {string.Join(", ", answers.Select(pair => $"{pair.Key} × {pair.Value}"))}; " +
            $"{dropped} connections closed under a request; {stored.Count} stored.");
        Assert.Equal(0, exitCode);
        Assert.Equal([201], answers.Keys);
        Assert.True(acknowledged.Count > 100, $"only {acknowledged.Count} creates were acknowledged");
        // Every row stored was answered 201, and every 201 is a row: nothing taken was left unanswered.
        Assert.Equal(acknowledged.OrderBy(pair => pair.Key), stored.OrderBy(pair => pair.Key));
    }

    private async Task<Dictionary<string, Guid>> StoredAsync(string owner)
    {
        await using var connection = new NpgsqlConnection(system.TodosConnectionString);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand("SELECT idempotency_key, todo_id FROM todos WHERE user_email = $1", connection)
        {
            Parameters = { new() { Value = owner } },
        };
        var stored = new Dictionary<string, Guid>();
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            stored.Add(reader.GetString(0), reader.GetGuid(1));
        }
        return stored;
    }
}
