using System.Text.Json;
using System.Text.Json.Nodes;
using Todo.Hosting.LocalServices;

namespace Todo.Tests.Infrastructure;

/// <summary>A finding of CloudFormation's schema validation: <see cref="Rule"/> is the validator's rule id (F3031, say).</summary>
public sealed record TemplateFinding(string Template, string Severity, string Rule, string? Resource, string? Path, string Message)
    : ITemplateFinding;

/// <summary>A finding of a check of eng/aws-checks, in the template file it was given.</summary>
public interface ITemplateFinding
{
    string Template { get; }
}

/// <summary>
/// A finding of cdk-nag's AwsSolutions pack on one resource: <see cref="Rule"/> is the rule (AwsSolutions-IAM5, say),
/// <see cref="Finding"/> what in the resource broke it where a rule tells (<c>Resource::*</c>), and a suppressed
/// finding carries the <see cref="Reason"/> written into the resource's <c>cdk_nag</c> metadata.
/// </summary>
public sealed record NagFinding(string Template, string Resource, string Rule, string Level, string? Finding, bool Suppressed, string? Reason,
    string Info) : ITemplateFinding;

/// <summary>What deploying a template over another does to one resource (WILL_UPDATE, WILL_REPLACE, WILL_DESTROY, …).</summary>
public sealed record ResourceChange(string Resource, string Type, string Impact);

/// <summary>A set of templates by stack name, to deploy in <see cref="Region"/>.</summary>
public sealed record TemplateSet(string Region, IReadOnlyDictionary<string, JsonObject> Templates);

/// <summary>
/// The offline checks of eng/aws-checks, run through Node.js: CloudFormation's resource schemas (the validation engine
/// aws-cdk-lib bundles) and the change impact <c>cdk diff</c> computes. Each call checks many templates in one Node.js
/// process, which loads its schemas once. Installs its npm packages on first use.
/// </summary>
public static class AwsChecks
{

    /// <summary>CloudFormation's schema findings by set name and stack name.</summary>
    public static Task<Dictionary<string, ILookup<string, TemplateFinding>>> ValidateAsync(IReadOnlyDictionary<string, TemplateSet> sets) =>
        CheckEachTemplateAsync<TemplateFinding>("validate-templates.mjs", sets);

    /// <summary>cdk-nag's AwsSolutions findings, suppressed or not, by set name and stack name.</summary>
    public static Task<Dictionary<string, ILookup<string, NagFinding>>> NagAsync(IReadOnlyDictionary<string, TemplateSet> sets) =>
        CheckEachTemplateAsync<NagFinding>("nag-templates.mjs", sets);

    private static async Task<Dictionary<string, ILookup<string, TFinding>>> CheckEachTemplateAsync<TFinding>(string script,
        IReadOnlyDictionary<string, TemplateSet> sets) where TFinding : ITemplateFinding
    {
        using var files = new TemporaryFiles();
        var jobs = sets.SelectMany(set => set.Value.Templates.Select(template =>
            new { set = set.Key, stack = template.Key, region = set.Value.Region, template = files.Write(template.Value) })).ToList();
        var findings = await RunAsync<List<TFinding>>(script,
            files.Write(JsonSerializer.SerializeToNode(jobs.Select(job => new { job.region, job.template }))!));
        var byFile = jobs.ToDictionary(job => job.template);
        return sets.Keys.ToDictionary(set => set, set => findings
            .Where(finding => byFile[finding.Template].set == set)
            .ToLookup(finding => byFile[finding.Template].stack));
    }

    /// <summary>For each pair, what deploying <c>After</c> over <c>Before</c> does, in the same order.</summary>
    public static async Task<List<List<ResourceChange>>> DiffAsync(IEnumerable<(JsonObject Before, JsonObject After)> pairs)
    {
        using var files = new TemporaryFiles();
        var jobs = pairs.Select(pair => new { before = files.Write(pair.Before), after = files.Write(pair.After) }).ToList();
        return await RunAsync<List<List<ResourceChange>>>("diff-templates.mjs", files.Write(JsonSerializer.SerializeToNode(jobs)!));
    }

    private static async Task<T> RunAsync<T>(string script, string jobsFile)
    {
        var directory = await NpmPackages.InstallAsync("aws-checks");
        var (exitCode, output) = await ExternalCommand.RunAsync("node", [script, jobsFile], TimeSpan.FromMinutes(5), directory,
            standardOutputOnly: true);
        Assert.True(exitCode == 0, $"{script} failed: {output}");
        return JsonSerializer.Deserialize<T>(output, JsonSerializerOptions.Web)!;
    }

    private sealed class TemporaryFiles : IDisposable
    {
        private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("todo-aws-checks-");
        private int _count;

        public string Write(JsonNode content)
        {
            var file = Path.Combine(_directory.FullName, $"{++_count}.json");
            File.WriteAllText(file, content.ToJsonString());
            return file;
        }

        public void Dispose() => _directory.Delete(recursive: true);
    }
}
