using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;

namespace Todo.Api.Todos;

/// <summary>
/// Writes text into JSON as UTF-8, escaping only what JSON requires (RFC 8259 §7: the quotation mark, the reverse
/// solidus and control characters) plus U+2028 and U+2029, which break clients that evaluate JSON as JavaScript.
/// The default encoder also escapes every non-ASCII character, and each emoji as twelve bytes (<c>\uD83D\uDE00</c>)
/// instead of four; it does so for JSON embedded in HTML, which these <c>application/json</c> responses (sent with
/// <c>X-Content-Type-Options: nosniff</c>) never are.
/// </summary>
public sealed class Utf8JsonEncoder : JavaScriptEncoder
{
    public static Utf8JsonEncoder Instance { get; } = new();

    // Everything the search may stop at: the characters that are escaped, and both halves of surrogate pairs, so that
    // a lone half (not text) is found and replaced rather than written.
    private static readonly SearchValues<char> s_stops = SearchValues.Create(StopCharacters());

    private Utf8JsonEncoder()
    {
    }

    public override int MaxOutputCharactersPerInputCharacter => 6;

    public override bool WillEncode(int unicodeScalar) =>
        unicodeScalar is < 0x20 or '"' or '\\' or 0x2028 or 0x2029;

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        var span = new ReadOnlySpan<char>(text, textLength);
        var offset = 0;
        while (true)
        {
            var found = span[offset..].IndexOfAny(s_stops);
            if (found < 0)
            {
                return -1;
            }

            var index = offset + found;
            var character = span[index];
            if (!char.IsHighSurrogate(character) || index + 1 >= span.Length || !char.IsLowSurrogate(span[index + 1]))
            {
                return index;
            }
            offset = index + 2;
        }
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var destination = new Span<char>(buffer, bufferLength);
        if (!WillEncode(unicodeScalar))
        {
            return new Rune(unicodeScalar).TryEncodeToUtf16(destination, out numberOfCharactersWritten);
        }

        ReadOnlySpan<char> escaped = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\b' => "\\b",
            '\f' => "\\f",
            _ => $"\\u{unicodeScalar:X4}",
        };
        numberOfCharactersWritten = escaped.Length;
        return escaped.TryCopyTo(destination);
    }

    private static string StopCharacters()
    {
        var stops = new StringBuilder("\"\\\u2028\u2029");
        for (var character = '\0'; character < ' '; character++)
        {
            stops.Append(character);
        }
        for (var surrogate = '\uD800'; surrogate <= '\uDFFF'; surrogate++)
        {
            stops.Append(surrogate);
        }
        return stops.ToString();
    }
}
