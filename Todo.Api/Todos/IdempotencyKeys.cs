using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace Todo.Api.Todos;

/// <summary>
/// The <c>Idempotency-Key</c> request header of <c>POST /todos</c> (IETF draft-ietf-httpapi-idempotency-key-header):
/// a retry with the same key gets the first result, never a second todo.
/// </summary>
public static class IdempotencyKeys
{
    public const string HeaderName = "Idempotency-Key";
    public const int MaxLength = 255;

    /// <summary>Absent: true with a null key. Present: 1–255 visible ASCII characters, quoted or not.</summary>
    public static bool TryParse(StringValues header, out string? key)
    {
        key = null;
        if (header.Count == 0)
        {
            return true;
        }
        if (header.Count != 1)
        {
            return false;
        }

        var value = header[0]!.Trim();
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            value = value[1..^1];
        }
        if (value.Length is 0 or > MaxLength || value.Any(character => character is < '!' or > '~'))
        {
            return false;
        }
        key = value;
        return true;
    }

    /// <summary>What the request asked for, so a key reused for a different todo is told apart from a retry.</summary>
    /// <remarks>
    /// Stored with the todo and compared with every retry, so the formula never changes. The status enters as its wire
    /// name's code, fixed here; the enum's order can change without turning stored retries into 422s.
    /// </remarks>
    public static string Fingerprint(ValidTodo todo) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Join('\0', todo.Title, todo.Description, todo.DueDate.Ticks, StatusCode(todo.Status), todo.UserEmail))));

    /// <summary>The codes fingerprints were first made with (the enum's values then), by wire name.</summary>
    private static string StatusCode(TodoStatus status) => TodoStatusNames.ToName(status) switch
    {
        TodoStatusNames.Pending => "0",
        TodoStatusNames.InProgress => "1",
        TodoStatusNames.Done => "2",
        var name => throw new ArgumentOutOfRangeException(nameof(status), name, "A new status needs a fingerprint code of its own."),
    };
}
