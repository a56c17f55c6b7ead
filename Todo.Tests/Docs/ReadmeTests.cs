using System.Text.RegularExpressions;

namespace Todo.Tests.Docs;

/// <summary>
/// What README and the pages in <c>docs/</c> say that the repository itself can check: what a newcomer needs, commands
/// that run as shown, links that lead somewhere, figures that cannot go stale.
/// </summary>
public sealed partial class ReadmeTests
{
    private static readonly string s_readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));

    /// <summary>README and every page of <c>docs/</c>, by path from the repository root.</summary>
    private static readonly Dictionary<string, string> s_pages = Directory.GetFiles(Path.Combine(Repository.Root, "docs"), "*.md")
        .Append(Path.Combine(Repository.Root, "README.md"))
        .ToDictionary(path => Path.GetRelativePath(Repository.Root, path), File.ReadAllText);

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

    /// <summary>README is a front door: it stays short, and the depth is in docs/.</summary>
    [Fact]
    public void The_readme_is_a_front_door_that_links_every_page_of_the_docs()
    {
        Assert.InRange(s_readme.Split('\n').Length, 1, 250);
        Assert.All(s_pages.Keys.Where(page => page.StartsWith("docs", StringComparison.Ordinal)),
            page => Assert.Contains($"]({page.Replace('\\', '/')})", s_readme));
    }

    /// <summary>
    /// Every relative link of README and docs/ names a file of the repository, and every <c>#anchor</c> a heading of
    /// its page, as GitHub makes anchors: lower case, punctuation but hyphens dropped, spaces as hyphens.
    /// </summary>
    [Fact]
    public void Every_relative_link_leads_to_a_file_and_heading_that_exist()
    {
        var broken = new List<string>();
        foreach (var (page, text) in s_pages)
        {
            foreach (Match link in RelativeLink().Matches(text))
            {
                var (path, anchor) = (link.Groups["path"].Value, link.Groups["anchor"].Value);
                var target = path.Length == 0 ? page : Path.GetRelativePath(Repository.Root, Path.GetFullPath(Path.Combine(Repository.Root, Path.GetDirectoryName(page)!, path)));
                var exists = File.Exists(Path.Combine(Repository.Root, target)) || Directory.Exists(Path.Combine(Repository.Root, target));
                if (!exists || anchor.Length > 0 && !Anchors(File.ReadAllText(Path.Combine(Repository.Root, target))).Contains(anchor))
                {
                    broken.Add($"{page}: {link.Value}");
                }
            }
        }

        Assert.Empty(broken);
    }

    /// <summary>Every k6 command README or docs/ show sets what its script refuses to run without.</summary>
    [Fact]
    public void Every_k6_command_sets_the_variables_its_script_requires()
    {
        var commands = string.Concat(s_pages.Values).Split('\n').Where(line => line.Contains("k6 run ", StringComparison.Ordinal)).ToList();
        var scripts = string.Concat(Directory.GetFiles(Path.Combine(Repository.Root, "bench", "k6"), "*.js").Select(File.ReadAllText));
        var required = RequiredVariable().Matches(scripts).Select(match => match.Groups[1].Value).Distinct().ToList();

        Assert.NotEmpty(commands);
        Assert.Contains("TOKEN", required);
        Assert.All(commands, command => Assert.All(required, variable => Assert.Contains($"{variable}=", command)));
    }

    /// <summary>The performance page links the newest benchmark report, and no page copies its rows: figures live in one place.</summary>
    [Fact]
    public void The_newest_benchmark_report_is_linked_and_none_of_its_rows_is_copied()
    {
        var newest = Directory.GetFiles(Path.Combine(Repository.Root, "bench", "results"), "20*.md").Max()!;
        var rows = File.ReadLines(newest).Where(line => line.StartsWith("| ", StringComparison.Ordinal) && !line.StartsWith("| run ", StringComparison.Ordinal)
            && !line.StartsWith("| target ", StringComparison.Ordinal));

        Assert.Contains($"(../bench/results/{Path.GetFileName(newest)})", s_pages[Path.Combine("docs", "performance.md")]);
        Assert.All(rows, row => Assert.All(s_pages.Values, page => Assert.DoesNotContain(row, page)));
    }

    private static string Section(string heading)
    {
        var start = s_readme.IndexOf($"## {heading}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README has no section {heading}");
        var end = s_readme.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
        return s_readme[start..(end < 0 ? s_readme.Length : end)];
    }

    /// <summary>The anchors of a page's headings; a line starting with <c>#</c> inside a code block is no heading.</summary>
    private static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>();
        var inCode = false;
        foreach (var line in markdown.Split('\n'))
        {
            inCode ^= line.StartsWith("```", StringComparison.Ordinal);
            if (!inCode && line.StartsWith('#'))
            {
                anchors.Add(Regex.Replace(line.TrimStart('#').Trim().ToLowerInvariant(), @"[^\w\- ]", "").Replace(' ', '-'));
            }
        }
        return anchors;
    }

    /// <summary>A Markdown link that is not to a web address: <c>](docs/api.md#fields)</c>, <c>](#local-tokens)</c>.</summary>
    [GeneratedRegex(@"\]\((?!https?:|mailto:)(?<path>[^)#\s]*)(?:#(?<anchor>[^)\s]+))?\)")]
    private static partial Regex RelativeLink();

    /// <summary>A variable a k6 script stops without: <c>if (!__ENV.TOKEN) { throw … }</c>.</summary>
    [GeneratedRegex(@"if \(!__ENV\.([A-Z_]+)\)\s*\{\s*throw")]
    private static partial Regex RequiredVariable();
}
