using Amazon.CDK;
using Todo.Aws;
using Todo.Aws.Images;
using Todo.Aws.Manifest;

// `dotnet run --project Todo.Aws -- image <project>` prints the project file and image tag eng/publish-image.sh
// builds and pushes; without arguments this is the CDK app that cdk.json runs.
if (args is ["image", var projectName])
{
    var manifest = AspireManifest.Load("aspire-manifest.json");
    var projectFile = Path.Combine(manifest.Directory, manifest[projectName].Path ?? throw new ArgumentException($"'{projectName}' is not a project."));
    Console.WriteLine($"{projectFile} {ImageTag.ForProject(manifest.Directory, projectFile)}");
    return;
}

var app = new App();
var options = TodoAwsOptions.FromContext(app.Node);
_ = new TodoDeployment(app, AspireManifest.Load(options.ManifestPath), options);
app.Synth();
