using Amazon.CDK;
using Amazon.CDK.AWS.ECR;
using Constructs;

namespace Todo.Aws.Stacks;

/// <summary>
/// One ECR repository per project of the manifest. Deployed first, on its own, so an image can be pushed before
/// the services that run it exist. Tags are content hashes and never move, so the repositories are immutable.
/// </summary>
/// <remarks>
/// A repository goes with its stack, images and all (CloudFormation's <c>EmptyOnDelete</c>): a repository of this
/// fixed name kept after <c>destroy</c> made the next deploy fail with "already exists". Images are rebuilt from the
/// code by eng/publish-image.sh, with the same tags.
/// </remarks>
public sealed class ImagesStack : Stack
{
    private readonly Dictionary<string, Repository> _repositories = new(StringComparer.Ordinal);

    public ImagesStack(Construct scope, string id, IEnumerable<string> projects, TodoAwsOptions options, IStackProps props)
        : base(scope, id, props)
    {
        foreach (var project in projects)
        {
            var repository = new Repository(this, $"{project}-repository", new RepositoryProps
            {
                RepositoryName = RepositoryName(options, project),
                ImageTagMutability = TagMutability.IMMUTABLE,
                ImageScanOnPush = true,
                LifecycleRules = [new LifecycleRule { MaxImageCount = 20, Description = "Keep the 20 newest images" }],
                RemovalPolicy = RemovalPolicy.DESTROY,
                EmptyOnDelete = true,
            });
            _repositories[project] = repository;
            _ = new CfnOutput(this, $"{project}-repository-uri", new CfnOutputProps
            {
                Value = repository.RepositoryUri,
                Description = $"Push the image of '{project}' here (eng/publish-image.sh does).",
            });
        }
    }

    public IRepository RepositoryOf(string project) => _repositories[project];

    public static string RepositoryName(TodoAwsOptions options, string project) => $"{options.ImageRepository}/{project}";
}
