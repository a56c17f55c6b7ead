using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Constructs;

namespace Todo.Aws.Constructs;

/// <summary>
/// A small Node.js function of ours (Todo.Aws/Functions, embedded in the template) on the newest Node.js runtime and
/// ARM64, with a role of its own that may write only to its own log group; callers grant it the rest.
/// </summary>
public static class InlineFunction
{
    public static Function Create(Construct scope, string id, string source, string description, TodoAwsOptions options,
        IDictionary<string, string>? environment = null)
    {
        var logs = LogRetention.Group(scope, $"{id}Logs", options);
        var role = new Role(scope, $"{id}Role", new RoleProps
        {
            AssumedBy = new ServicePrincipal("lambda.amazonaws.com"),
            Description = description,
        });
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resources = [logs.LogGroupArn],
        }));
        return new Function(scope, id, new FunctionProps
        {
            Description = description,
            Runtime = new Runtime("nodejs24.x", RuntimeFamily.NODEJS, new LambdaRuntimeProps { SupportsInlineCode = true }),
            Architecture = Architecture.ARM_64,
            Handler = "index.handler",
            Code = Code.FromInline(Source(source)),
            Timeout = Duration.Minutes(5),
            Role = role,
            LogGroup = logs,
            Environment = environment,
        });
    }

    private static string Source(string file)
    {
        using var stream = typeof(InlineFunction).Assembly.GetManifestResourceStream($"Todo.Aws.Functions.{file}")
            ?? throw new ArgumentException($"No function {file} in Todo.Aws/Functions.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
