using System.Diagnostics;
using System.Net;
using System.Text;

namespace Todo.Bench;

/// <summary>Creates sent all at once, each on a connection of its own, to an instance that has just answered its first request.</summary>
public sealed record FirstBurst(int Requests, int Created, double SlowestMs)
{
    public static async Task<FirstBurst> SendAsync(Uri baseAddress, int requests)
    {
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        // The harness's own first request is slow too; it must not count as the API's.
        (await client.GetAsync("/")).Dispose();

        const string body = """{"title":"First burst","dueDate":"2030-01-01","userEmail":"bench-burst@example.com"}""";
        var answers = await Task.WhenAll(Enumerable.Range(0, requests).Select(async _ =>
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await client.PostAsync("/todos", new StringContent(body, Encoding.UTF8, "application/json"));
            return (Created: response.StatusCode == HttpStatusCode.Created, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }));
        var burst = new FirstBurst(requests, answers.Count(answer => answer.Created), answers.Max(answer => answer.TotalMilliseconds));
        Console.WriteLine($"  first burst: {burst.Created} of {burst.Requests} creates, slowest {burst.SlowestMs:N0} ms");
        return burst;
    }
}
