using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Todo.Tests.Infrastructure;

public static class ProblemAssertions
{
    /// <summary>
    /// The status a load test records for a response: a 503 counts as one only when it is a proper refusal, with
    /// <c>Retry-After</c> and RFC 9457 problem details that say 503; any other 503 is -503, an outcome of its own.
    /// </summary>
    public static async Task<int> RecordedStatusAsync(this HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
        {
            return (int)response.StatusCode;
        }
        if (response.Headers.RetryAfter is null || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return -503;
        }
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return problem.TryGetProperty("status", out var status) && status.GetInt32() == 503
            && problem.TryGetProperty("title", out var title) && !string.IsNullOrWhiteSpace(title.GetString()) ? 503 : -503;
    }

    /// <summary>The target of a response's <c>Link: &lt;…&gt;; rel="next"</c>, or null on the last page.</summary>
    public static string? NextPage(this HttpResponseMessage response) =>
        response.Headers.TryGetValues("Link", out var links) && Assert.Single(links) is var link ? link[1..link.IndexOf('>')] : null;

    /// <summary>Asserts an RFC 9457 problem with <paramref name="status"/>, naming <paramref name="field"/> when one is given.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        // Where it happened, and the trace to find it by in the dashboard.
        Assert.Equal(response.RequestMessage!.RequestUri!.AbsolutePath, problem.GetProperty("instance").GetString());
        Assert.Matches("^[0-9a-f]{32}$", problem.GetProperty("traceId").GetString());
        if (field is not null)
        {
            var errors = problem.GetProperty("errors");
            Assert.True(errors.TryGetProperty(field, out var messages), $"No error for '{field}' in {errors}");
            Assert.Contains(messages.EnumerateArray(), message => !string.IsNullOrWhiteSpace(message.GetString()));
        }
        return problem;
    }
}
