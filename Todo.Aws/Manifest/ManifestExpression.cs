using System.Text.RegularExpressions;

namespace Todo.Aws.Manifest;

/// <summary>
/// A manifest value such as <c>Host={postgres.bindings.tcp.host};Database=todos</c>: literal text with references
/// <c>{resource.path}</c> between them. <c>{{</c> and <c>}}</c> stand for literal braces.
/// </summary>
public static partial class ManifestExpression
{
    public abstract record Part;

    public sealed record Literal(string Text) : Part;

    /// <summary><c>{todos.connectionString}</c> → resource <c>todos</c>, path <c>connectionString</c>.</summary>
    public sealed record Reference(string Resource, string Path) : Part
    {
        public override string ToString() => $"{{{Resource}.{Path}}}";
    }

    public static IReadOnlyList<Part> Parse(string value)
    {
        var parts = new List<Part>();
        var position = 0;
        foreach (Match match in ReferencePattern().Matches(value))
        {
            if (match.Index > position)
            {
                parts.Add(new Literal(Unescape(value[position..match.Index])));
            }
            parts.Add(new Reference(match.Groups["resource"].Value, match.Groups["path"].Value));
            position = match.Index + match.Length;
        }
        if (position < value.Length)
        {
            parts.Add(new Literal(Unescape(value[position..])));
        }
        return parts;
    }

    private static string Unescape(string literal) => literal.Replace("{{", "{").Replace("}}", "}");

    [GeneratedRegex(@"(?<!\{)\{(?<resource>[A-Za-z0-9][A-Za-z0-9_-]*)\.(?<path>[A-Za-z0-9_.-]+)\}(?!\})")]
    private static partial Regex ReferencePattern();
}
