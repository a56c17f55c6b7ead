using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Todo.Aws.Images;

/// <summary>
/// The tag of a project's container image: a hash of every file that goes into it (the project, the projects it
/// references, the repository-wide build files), then its architecture. Unchanged code gives an unchanged tag, so the
/// image is neither rebuilt nor pushed, and the task definition, which names the tag, is not redeployed.
/// </summary>
public static partial class ImageTag
{
    private static readonly string[] s_repositoryBuildFiles = ["global.json", "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "NuGet.config", "nuget.config"];
    private static readonly string[] s_ignoredDirectories = ["bin", "obj", "TestResults", "node_modules", ".vs", ".idea"];

    public static string ForProject(string repositoryRoot, string projectFile)
    {
        var files = ProjectDirectories(Path.GetFullPath(projectFile))
            .SelectMany(SourceFiles)
            .Concat(s_repositoryBuildFiles.Select(name => Path.Combine(repositoryRoot, name)).Where(File.Exists))
            .Select(Path.GetFullPath)
            .Distinct()
            .Select(file => (Relative: Path.GetRelativePath(repositoryRoot, file).Replace('\\', '/'), Full: file))
            .OrderBy(file => file.Relative, StringComparer.Ordinal);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (relative, full) in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(relative + "\0"));
            hash.AppendData(File.ReadAllBytes(full));
            hash.AppendData("\0"u8);
        }
        return $"sha-{Convert.ToHexStringLower(hash.GetHashAndReset())[..20]}-{ImageArchitecture.TagSuffix}";
    }

    /// <summary>The project's directory and, transitively, those of the projects it references.</summary>
    private static IEnumerable<string> ProjectDirectories(string projectFile)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([projectFile]);
        while (pending.TryPop(out var project))
        {
            if (!seen.Add(project))
            {
                continue;
            }
            var directory = Path.GetDirectoryName(project)!;
            foreach (Match reference in ProjectReference().Matches(File.ReadAllText(project)))
            {
                pending.Push(Path.GetFullPath(Path.Combine(directory, reference.Groups["path"].Value.Replace('\\', Path.DirectorySeparatorChar))));
            }
        }
        return seen.Select(project => Path.GetDirectoryName(project)!);
    }

    private static IEnumerable<string> SourceFiles(string directory) =>
        Directory.EnumerateFiles(directory)
            .Concat(Directory.EnumerateDirectories(directory)
                .Where(child => !s_ignoredDirectories.Contains(Path.GetFileName(child)))
                .SelectMany(SourceFiles));

    [GeneratedRegex(@"<ProjectReference\s+Include=""(?<path>[^""]+)""")]
    private static partial Regex ProjectReference();
}
