using System.Buffers;
using System.Text;

namespace Todo.Api.Todos;

/// <summary>What the validator needs to know of a string, found in one pass.</summary>
public readonly record struct Text(int Characters, bool HasControlCharacters, bool HasLineBreaksOrTabs, bool IsWellFormed)
{
    /// <summary>Counts Unicode characters as PostgreSQL does, and finds what the database or a log must never get.</summary>
    public static Text Inspect(string value)
    {
        int characters = 0;
        bool control = false, lineBreaksOrTabs = false;
        var remaining = value.AsSpan();
        while (!remaining.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(remaining, out var rune, out var consumed) != OperationStatus.Done)
            {
                return new Text(characters, control, lineBreaksOrTabs, IsWellFormed: false);
            }

            characters++;
            if (Rune.IsControl(rune))
            {
                if (rune.Value is '\t' or '\n' or '\r')
                {
                    lineBreaksOrTabs = true;
                }
                else
                {
                    control = true;
                }
            }
            remaining = remaining[consumed..];
        }
        return new Text(characters, control, lineBreaksOrTabs, IsWellFormed: true);
    }
}
