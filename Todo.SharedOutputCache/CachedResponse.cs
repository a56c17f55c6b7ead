using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Todo.SharedOutputCache;

/// <summary>
/// A response as the store keeps it: when it was computed, its status, the headers the endpoint set, and its body.
/// Stored as <c>version · created (Unix ms) · status · headers · body</c>, lengths as 16-bit little-endian numbers.
/// </summary>
internal sealed class CachedResponse(DateTimeOffset created, int statusCode, KeyValuePair<string, StringValues>[] headers, ReadOnlyMemory<byte> body)
{
    private const byte FormatVersion = 1;

    /// <summary>Headers of the connection or of this particular transmission, never of the cached response.</summary>
    private static readonly HashSet<string> s_transmissionHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.Age, HeaderNames.Connection, HeaderNames.ContentLength, HeaderNames.Date, HeaderNames.KeepAlive,
        HeaderNames.Server, HeaderNames.TransferEncoding,
    };

    private StringValues ETag => headers.FirstOrDefault(header => header.Key.Equals(HeaderNames.ETag, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The headers worth keeping; null when the response must not be shared (it sets a cookie).</summary>
    public static KeyValuePair<string, StringValues>[]? CacheableHeaders(IHeaderDictionary headers) =>
        headers.ContainsKey(HeaderNames.SetCookie)
            ? null
            : [.. headers.Where(header => !s_transmissionHeaders.Contains(header.Key))];

    /// <summary>The stored form; null when a header is too long for it.</summary>
    public byte[]? Serialize()
    {
        var strings = headers.SelectMany(header => header.Value.Prepend(header.Key)).Select(text => Encoding.UTF8.GetByteCount(text ?? "")).ToList();
        if (strings.Any(length => length > ushort.MaxValue))
        {
            return null;
        }

        var entry = new byte[1 + 8 + 2 + 2 + strings.Sum(length => 2 + length) + 2 * headers.Length + body.Length];
        var writer = new Writer(entry);
        writer.Byte(FormatVersion);
        writer.Int64(created.ToUnixTimeMilliseconds());
        writer.UInt16(checked((ushort)statusCode));
        writer.UInt16(checked((ushort)headers.Length));
        foreach (var (name, values) in headers)
        {
            writer.String(name);
            writer.UInt16(checked((ushort)values.Count));
            foreach (var value in values)
            {
                writer.String(value ?? "");
            }
        }
        body.Span.CopyTo(entry.AsSpan(writer.Position));
        return entry;
    }

    /// <summary>Reads what <see cref="Serialize"/> wrote; false for anything else (an entry of an older format, say).</summary>
    public static bool TryDeserialize(ReadOnlyMemory<byte> entry, out CachedResponse response)
    {
        response = null!;
        try
        {
            var reader = new Reader(entry.Span);
            if (reader.Byte() != FormatVersion)
            {
                return false;
            }
            var created = DateTimeOffset.FromUnixTimeMilliseconds(reader.Int64());
            var statusCode = reader.UInt16();
            var headers = new KeyValuePair<string, StringValues>[reader.UInt16()];
            for (var i = 0; i < headers.Length; i++)
            {
                var name = reader.String();
                var values = new string[reader.UInt16()];
                for (var j = 0; j < values.Length; j++)
                {
                    values[j] = reader.String();
                }
                headers[i] = new(name, values);
            }
            response = new CachedResponse(created, statusCode, headers, entry[reader.Position..]);
            return true;
        }
        catch (Exception exception) when (exception is ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>
    /// Sends the response with its <c>Age</c>, or <c>304 Not Modified</c> when the client's <c>If-None-Match</c>
    /// names its ETag.
    /// </summary>
    public Task WriteToAsync(HttpContext context, DateTimeOffset now)
    {
        var response = context.Response;
        response.Headers.Age = ((long)Math.Max(0, (now - created).TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        if (IsNotModified(context.Request.Headers.IfNoneMatch))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            response.Headers.ETag = ETag;
            return Task.CompletedTask;
        }

        response.StatusCode = statusCode;
        foreach (var (name, values) in headers)
        {
            response.Headers[name] = values;
        }
        response.ContentLength = body.Length;
        return body.IsEmpty ? Task.CompletedTask : response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    private bool IsNotModified(StringValues ifNoneMatch)
    {
        if (StringValues.IsNullOrEmpty(ifNoneMatch) || !EntityTagHeaderValue.TryParseList(ifNoneMatch, out var requested))
        {
            return false;
        }
        return requested.Any(tag => tag.Equals(EntityTagHeaderValue.Any))
            || (EntityTagHeaderValue.TryParse(ETag.ToString(), out var etag) && requested.Any(tag => etag.Compare(tag, useStrongComparison: false)));
    }

    private ref struct Writer(Span<byte> target)
    {
        private readonly Span<byte> _target = target;

        public int Position { get; private set; }

        public void Byte(byte value) => _target[Position++] = value;

        public void UInt16(ushort value)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(_target[Position..], value);
            Position += 2;
        }

        public void Int64(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_target[Position..], value);
            Position += 8;
        }

        public void String(string value)
        {
            var length = Encoding.UTF8.GetBytes(value, _target[(Position + 2)..]);
            UInt16((ushort)length);
            Position += length;
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> source)
    {
        private readonly ReadOnlySpan<byte> _source = source;

        public int Position { get; private set; }

        public byte Byte() => _source[Position++];

        public ushort UInt16()
        {
            var value = BinaryPrimitives.ReadUInt16LittleEndian(_source[Position..]);
            Position += 2;
            return value;
        }

        public long Int64()
        {
            var value = BinaryPrimitives.ReadInt64LittleEndian(_source[Position..]);
            Position += 8;
            return value;
        }

        public string String()
        {
            var length = UInt16();
            var value = Encoding.UTF8.GetString(_source.Slice(Position, length));
            Position += length;
            return value;
        }
    }
}
