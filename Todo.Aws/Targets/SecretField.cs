using Amazon.CDK.AWS.SecretsManager;

namespace Todo.Aws.Targets;

/// <summary>One field of a JSON secret, or the whole secret when <see cref="Field"/> is null.</summary>
public sealed record SecretField(ISecret Secret, string? Field = null);
