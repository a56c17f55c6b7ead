using System.Text.RegularExpressions;
using Todo.Aws;

namespace Todo.Tests.Docs;

/// <summary>
/// docs/aws.md's switch table and the switches Todo.Aws reads are the same set: a switch added to the code without a row,
/// or a row left for a switch the code no longer reads, fails here.
/// </summary>
public sealed partial class SwitchTableTests
{
    [Fact]
    public void Every_context_key_the_deployment_reads_has_a_row_and_every_row_a_key()
    {
        var cdkJson = TodoAwsOptions.CdkJsonContext(Path.Combine(Repository.Root, "cdk.json"));
        var read = new SortedSet<string>(StringComparer.Ordinal);
        TodoAwsOptions.FromContext(key =>
        {
            read.Add(key);
            return cdkJson.GetValueOrDefault(key);
        });

        Assert.Equal(read, DocumentedKeys());
    }

    /// <summary>Every key named in the first column of the table under docs/aws.md's "Switches" heading.</summary>
    private static SortedSet<string> DocumentedKeys()
    {
        var page = File.ReadAllText(Path.Combine(Repository.Root, "docs", "aws.md"));
        var start = page.IndexOf("\n## Switches", StringComparison.Ordinal);
        var end = page.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        var rows = page[start..(end < 0 ? page.Length : end)].Split('\n').Where(line => line.StartsWith("| `", StringComparison.Ordinal));
        return new SortedSet<string>(rows.SelectMany(row => Key().Matches(row.Split('|')[1]).Select(match => match.Groups[1].Value)), StringComparer.Ordinal);
    }

    [GeneratedRegex("`([A-Za-z]+)`")]
    private static partial Regex Key();
}
