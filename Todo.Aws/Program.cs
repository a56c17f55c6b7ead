using Amazon.CDK;
using Todo.Aws;
using Todo.Aws.Images;
using Todo.Aws.Manifest;
using Todo.Aws.Stacks;

try
{
    // `dotnet run --project Todo.Aws -- image <project>` prints what eng/publish-image.sh builds and where it pushes it:
    // project file, tag, runtime identifier, region and repository, all from cdk.json as the stacks see them.
    // Without arguments this is the CDK app that cdk.json runs.
    if (args is ["image", var projectName])
    {
        var imageOptions = TodoAwsOptions.FromCdkJson("cdk.json");
        var manifest = AspireManifest.Load(imageOptions.ManifestPath);
        var projectFile = Path.Combine(manifest.Directory, manifest[projectName].Path ?? throw new DeploymentRefusedException($"'{projectName}' is not a project."));
        Console.WriteLine(string.Join(' ', projectFile, imageOptions.ImageTag ?? ImageTag.ForProject(manifest.Directory, projectFile),
            ImageArchitecture.RuntimeIdentifier, imageOptions.Region, ImagesStack.RepositoryName(imageOptions, projectName)));
        return 0;
    }

    var app = new App();
    var options = TodoAwsOptions.FromContext(app.Node);
    _ = new TodoDeployment(app, AspireManifest.Load(options.ManifestPath), options);
    app.Synth();
    return 0;
}
catch (DeploymentRefusedException refusal)
{
    // A refusal is the user's to act on: its reason, not a stack trace.
    Console.Error.WriteLine($"Not synthesized: {refusal.Message}");
    return 1;
}
