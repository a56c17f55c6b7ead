using System.Text.RegularExpressions;

namespace Todo.Tests.Docs;

/// <summary>README's statements that the repository itself can check: what a newcomer needs, commands that run as shown, figures that cannot go stale.</summary>
public sealed partial class ReadmeTests
{
    private static readonly string s_readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));

    /// <summary>The quick start names everything <c>./test.sh</c> needs: the SDK, and Node.js with npm for the AWS tests.</summary>
    [Fact]
    public void The_quick_start_names_every_prerequisite_of_the_tests()
    {
        var quickStart = Section("Quick start");
        var awsChecks = File.ReadAllText(Path.Combine(Repository.Root, "Todo.Tests", "Infrastructure", "NpmPackages.cs"));

        Assert.Contains(".NET 10 SDK", quickStart);
        Assert.Contains("\"npm\"", awsChecks);
        Assert.Contains("Node.js", quickStart);
        Assert.Contains("npm", quickStart);
        Assert.Contains("./run.sh", quickStart);
        Assert.Contains("./test.sh", quickStart);
    }

    /// <summary>Every k6 command README shows sets what its script refuses to run without.</summary>
    [Fact]
    public void Every_k6_command_sets_the_variables_its_script_requires()
    {
        var commands = s_readme.Split('\n').Where(line => line.Contains("k6 run ", StringComparison.Ordinal)).ToList();
        var scripts = string.Concat(Directory.GetFiles(Path.Combine(Repository.Root, "bench", "k6"), "*.js").Select(File.ReadAllText));
        var required = RequiredVariable().Matches(scripts).Select(match => match.Groups[1].Value).Distinct().ToList();

        Assert.NotEmpty(commands);
        Assert.Contains("TOKEN", required);
        Assert.All(commands, command => Assert.All(required, variable => Assert.Contains($"{variable}=", command)));
    }

    /// <summary>README links the newest benchmark report and copies none of its rows: figures live in one place.</summary>
    [Fact]
    public void The_newest_benchmark_report_is_linked_and_none_of_its_rows_is_copied()
    {
        var newest = Directory.GetFiles(Path.Combine(Repository.Root, "bench", "results"), "20*.md").Max()!;
        var rows = File.ReadLines(newest).Where(line => line.StartsWith("| ", StringComparison.Ordinal) && !line.StartsWith("| run ", StringComparison.Ordinal)
            && !line.StartsWith("| target ", StringComparison.Ordinal));

        Assert.Contains($"(bench/results/{Path.GetFileName(newest)})", s_readme);
        Assert.All(rows, row => Assert.DoesNotContain(row, s_readme));
    }

    private static string Section(string heading)
    {
        var start = s_readme.IndexOf($"## {heading}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README has no section {heading}");
        var end = s_readme.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
        return s_readme[start..(end < 0 ? s_readme.Length : end)];
    }

    /// <summary>A variable a k6 script stops without: <c>if (!__ENV.TOKEN) { throw … }</c>.</summary>
    [GeneratedRegex(@"if \(!__ENV\.([A-Z_]+)\)\s*\{\s*throw")]
    private static partial Regex RequiredVariable();
}
