using System.Globalization;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Todo.Api.Todos;

/// <summary>Strong ETags from the row version, and the <c>If-Match</c> precondition of RFC 9110 §13.1.1.</summary>
public static class TodoETags
{
    public static string For(uint version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>Parses <c>If-Match</c>; false when the header is present but not a valid list of entity tags.</summary>
    public static bool TryParseIfMatch(StringValues header, out IfMatch ifMatch)
    {
        ifMatch = IfMatch.Absent;
        if (StringValues.IsNullOrEmpty(header))
        {
            return true;
        }
        if (!EntityTagHeaderValue.TryParseStrictList(header, out var tags) || tags.Count == 0)
        {
            return false;
        }

        ifMatch = tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any))
            ? IfMatch.AnyVersion
            : new IfMatch(IsPresent: true, MatchesAny: false,
                [.. tags.Where(tag => !tag.IsWeak).Select(tag => tag.Tag.Value).Select(ParseVersion).OfType<uint>()]);
        return true;
    }

    private static uint? ParseVersion(string? quoted) =>
        uint.TryParse(quoted.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;
}

/// <summary>A parsed <c>If-Match</c> header. Weak tags never match: RFC 9110 requires strong comparison here.</summary>
public sealed record IfMatch(bool IsPresent, bool MatchesAny, uint[] Versions)
{
    public static readonly IfMatch Absent = new(false, false, []);
    public static readonly IfMatch AnyVersion = new(true, true, []);
}
