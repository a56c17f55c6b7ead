using System.Buffers;
using System.Text;

namespace Todo.Api.Todos;

/// <summary>
/// Fills a list page up to its <c>limit</c> and at most <see cref="TodoLimits.MaxPageBytes"/> of JSON (always at least
/// one todo), so that what one request returns, renders and caches is bounded by bytes as well as by rows.
/// </summary>
public sealed class TodoPage(int limit)
{
    // A todo's JSON without its four texts: nine property names, an id, three timestamps of 28 characters at most,
    // the longest status, quotes, colons, braces and a comma: 254 bytes.
    private const int FixedBytes = 256;

    // Characters Utf8JsonEncoder escapes, each taking more bytes escaped than in UTF-8 (at most 6 instead of 1).
    private static readonly SearchValues<char> s_escaped = SearchValues.Create(
        "\"\\\u2028\u2029\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000B\f\r\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");

    private int _bytes = 2;

    public List<TodoResponse> Todos { get; } = [];

    /// <summary>True once a todo was offered that did not fit: there are more than this page holds.</summary>
    public bool HasMore { get; private set; }

    /// <summary>Adds <paramref name="todo"/> if it fits; false (and <see cref="HasMore"/>) when the page is full.</summary>
    public bool TryAdd(TodoResponse todo)
    {
        var bytes = JsonBytes(todo);
        if (Todos.Count == limit || (Todos.Count > 0 && _bytes + bytes > TodoLimits.MaxPageBytes))
        {
            HasMore = true;
            return false;
        }

        Todos.Add(todo);
        _bytes += bytes;
        return true;
    }

    /// <summary>An upper bound on the bytes <paramref name="todo"/> takes in a page, its separating comma included.</summary>
    public static int JsonBytes(TodoResponse todo) =>
        FixedBytes + TextBytes(todo.Title) + TextBytes(todo.Description) + TextBytes(todo.UserEmail) + TextBytes(todo.Owner);

    private static int TextBytes(string text)
    {
        var bytes = Encoding.UTF8.GetByteCount(text);
        var rest = text.AsSpan();
        int found;
        while ((found = rest.IndexOfAny(s_escaped)) >= 0)
        {
            bytes += 5;
            rest = rest[(found + 1)..];
        }
        return bytes;
    }
}
