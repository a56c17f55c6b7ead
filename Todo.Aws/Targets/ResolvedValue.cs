using Amazon.CDK.AWS.SecretsManager;

namespace Todo.Aws.Targets;

/// <summary>
/// What a manifest reference such as <c>{todos.connectionString}</c> becomes on AWS: text that may hold CloudFormation
/// tokens. A secret value holds only Secrets Manager dynamic references, never the secret itself. A value with
/// <see cref="Parts"/> is a connection string whose secret parts the task receives on their own, each straight from the
/// secret that rotation updates (<c>ConnectionStrings__todos__Password</c>, say), beside the text of the rest.
/// </summary>
public sealed record ResolvedValue(string Text, bool IsSecret, ISecret? WholeSecret = null)
{
    private static readonly IReadOnlyDictionary<string, SecretField> s_noParts = new Dictionary<string, SecretField>();

    /// <summary>Connection-string keywords whose values come from secrets, by keyword.</summary>
    public IReadOnlyDictionary<string, SecretField> Parts { get; init; } = s_noParts;

    /// <summary>For a database's connection string: who owns the schema, for the service's migration step only.</summary>
    public SchemaOwner? Owner { get; init; }

    public static ResolvedValue Plain(string text) => new(text, IsSecret: false);

    public static ResolvedValue Of(ISecret secret) => new(secret.SecretValue.UnsafeUnwrap(), IsSecret: true, secret);

    public static ResolvedValue WithParts(string text, IReadOnlyDictionary<string, SecretField> parts) => new(text, IsSecret: false) { Parts = parts };
}
