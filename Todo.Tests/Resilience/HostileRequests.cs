using System.Net.Http.Headers;
using System.Text;

namespace Todo.Tests.Resilience;

/// <summary>
/// A reproducible stream of hostile requests: malformed and mistyped JSON, huge and deep payloads, control and
/// non-BMP characters, SQL- and script-like text, odd paths, methods and headers, forged and malformed tokens. Some are
/// valid creates for <see cref="Owner"/>, so the test can count what should have been stored.
/// </summary>
public sealed class HostileRequests(int seed, string owner)
{
    private static readonly string[] s_nasty =
    [
        "'; DROP TABLE todos; --", "\" OR 1=1 --", "<script>alert(1)</script>", "${jndi:ldap://x}", "{{7*7}}", "../../etc/passwd",
        "😀👨‍👩‍👧‍👦🏳️‍🌈", "𝕿𝖔𝖉𝖔", "\u202Eevil", "\uFEFF", "null", "%00", "\\u0000", "Ω≈ç√∫", "\t", "\u0000", "\u0007", "\r\n", "\uD800", "\uDFFF",
    ];
    private static readonly string[] s_methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "PURGE"];
    private static readonly string[] s_contentTypes =
        ["application/json", "application/json; charset=utf-8", "application/merge-patch+json", "text/plain", "application/xml", "multipart/form-data", "application/json; charset=latin1", ""];
    private static readonly string[] s_fields = ["title", "description", "dueDate", "status", "userEmail", "todoId", "createdAt", "extra", "__proto__", ""];

    private readonly Random _random = new(seed);

    public string Owner { get; } = owner;

    public IEnumerable<HttpRequestMessage> Take(int count, Guid existing)
    {
        for (var i = 0; i < count; i++)
        {
            yield return (i % 10) switch
            {
                0 => ValidCreate(),
                1 or 2 or 3 => WithBody("POST", "/todos", Body()),
                4 => WithBody("PUT", $"/todos/{existing}", Body()),
                5 => WithBody("PATCH", $"/todos/{existing}", Body()),
                6 => WithBody(Pick(s_methods), Path(), _random.Next(3) == 0 ? Body() : null),
                7 => WithBody("GET", $"/todos?{Query()}", null),
                8 => Conditional(existing),
                _ => WithBody(Pick(["POST", "PUT", "PATCH"]), Pick(["/todos", $"/todos/{existing}"]), Garbage()),
            };
        }
    }

    private HttpRequestMessage ValidCreate()
    {
        var title = Pick(["'; DROP TABLE todos; --", "<script>alert(1)</script>", "😀👨‍👩‍👧‍👦🏳️‍🌈", "𝕿𝖔𝖉𝖔", "\u202Eevil", "Ω≈ç√∫", "${jndi:ldap://x}", "Plain"]);
        var json = $$"""{"title":{{Json(title)}},"description":{{Json(Pick(s_nasty))}},"dueDate":"2030-01-01","userEmail":{{Json(Owner)}}}""";
        return WithBody("POST", "/todos", json, "application/json");
    }

    private string Body() => _random.Next(6) switch
    {
        0 => "{" + string.Join(",", Enumerable.Range(0, _random.Next(1, 7)).Select(_ => $"{Json(Pick(s_fields))}:{Value()}")) + "}",
        1 => $$"""{"title":{{Value()}},"dueDate":{{Value()}},"userEmail":{{Json(Owner)}},"status":{{Value()}}}""",
        2 => new string('[', _random.Next(10, 400)) + new string(']', _random.Next(0, 400)),
        3 => $$"""{"title":"{{new string('x', _random.Next(100, 60_000))}}","dueDate":"2030-01-01","userEmail":{{Json(Owner)}}}""",
        4 => Pick(["null", "[]", "\"text\"", "42", "true", "{", "}", "{\"title\":", "{\"title\":\"a\",}", "", " "]),
        _ => Garbage(),
    };

    private string Value() => _random.Next(9) switch
    {
        0 => "null",
        1 => _random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        2 => "true",
        3 => "{\"nested\":[1,{\"deeper\":null}]}",
        4 => Json(Pick(s_nasty)),
        5 => "\"\\ud83d\"",
        6 => Json(new string((char)_random.Next(0x20, 0x7f), _random.Next(0, 300))),
        7 => Json(Pick(["2025-02-30", "2025-12-31", "2025-12-31T25:00:00Z", "yesterday", "pending", "done", "PENDING"])),
        _ => "[" + Json("a") + "]",
    };

    private string Garbage()
    {
        var bytes = new byte[_random.Next(1, 400)];
        _random.NextBytes(bytes);
        return Encoding.Latin1.GetString(bytes);
    }

    private string Path() => Pick(
    [
        "/todos", "/todos/", "/./todos", "/todos//", "/todos/not-a-uuid", $"/todos/{Guid.NewGuid()}", "/todos/%ff%fe", "/todos/..%2f..%2fetc%2fpasswd",
        "/todos/' OR '1'='1", "/" + new string('a', 3000), "/todos/%00", "/openapi/v1.json", "/health", "/alive", "/", "/todos?limit=1",
    ]);

    private string Query() => string.Join("&", Enumerable.Range(0, _random.Next(1, 5)).Select(_ =>
        $"{Pick(["status", "userEmail", "limit", "after", "x"])}={Uri.EscapeDataString(Pick([.. s_nasty.Where(text => !char.IsSurrogate(text[0])), "-1", "0", "99999999999", "1e3", Guid.NewGuid().ToString()]))}"));

    private HttpRequestMessage Conditional(Guid existing)
    {
        var request = WithBody(Pick(["PUT", "PATCH", "DELETE"]), $"/todos/{(_random.Next(2) == 0 ? Guid.NewGuid() : existing)}", Body());
        if (request.Method == HttpMethod.Delete && request.RequestUri!.OriginalString.EndsWith(existing.ToString(), StringComparison.Ordinal))
        {
            request.RequestUri = new Uri($"/todos/{Guid.NewGuid()}", UriKind.Relative);
        }
        request.Headers.TryAddWithoutValidation("If-Match", Pick(["*", "\"1\"", "W/\"1\"", "garbage", "\"", "\"1\", garbage", new string('"', 50)]));
        request.Headers.TryAddWithoutValidation("Idempotency-Key", Pick(["k", new string('k', 300), "with space", "\"quoted\"", "a,b"]));
        return request;
    }

    private HttpRequestMessage WithBody(string method, string path, string? body, string? contentType = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (body is not null && method is not ("GET" or "HEAD" or "TRACE"))
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            var type = contentType ?? Pick(s_contentTypes);
            if (type.Length > 0)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
        }
        if (_random.Next(8) == 0)
        {
            request.Headers.TryAddWithoutValidation(Pick(["Accept", "X-Forwarded-For", "Accept-Encoding", "Range"]), Pick(["*/*", "garbage", "bytes=0-1", new string('z', 2000)]));
        }
        if (_random.Next(6) == 0)
        {
            // Replaces the client's own token for this request.
            request.Headers.TryAddWithoutValidation("Authorization", _random.Next(4) == 0 ? $"Bearer {PrintableGarbage()}" : Pick(s_forgedAuthorizations.Value));
        }
        return request;
    }

    /// <summary>Forged, expired, malformed and oversized credentials, and valid tokens whose claims are odd.</summary>
    private static readonly Lazy<string[]> s_forgedAuthorizations = new(() =>
    [
        .. Api.AuthenticationTests.BadCredentialKinds.Select(Api.AuthenticationTests.BadAuthorization).OfType<string>(),
        $"Bearer {TestTokens.Shared.For(new string('s', 5000))}",
        $"Bearer {TestTokens.Shared.Mint(new Dictionary<string, object> { ["sub"] = new Dictionary<string, object> { ["nested"] = "object" } })}",
        $"Bearer {TestTokens.Shared.Mint(new Dictionary<string, object> { ["sub"] = "'; DROP TABLE todos; --", ["scope"] = 42 })}",
        $"Bearer {Api.AuthenticationTests.Unsigned(new Dictionary<string, object> { ["sub"] = "admin", ["scope"] = TestTokens.AdminScope })}",
        "Bearer a.b", "Bearer  two  spaces", "bearer lower-case-scheme", "Bearer " + new string('A', 12_000), "Negotiate YII=",
    ]);

    private string PrintableGarbage() => new([.. Enumerable.Range(0, _random.Next(1, 300)).Select(_ => (char)_random.Next(0x21, 0x7f))]);

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];
}
