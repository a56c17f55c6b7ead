namespace Todo.Aws;

/// <summary>
/// Declares a deployment switch: the CDK context key a <see cref="TodoAwsOptions"/> property is read from, the range a
/// number must fall in, and for a switch without a default why it is required. docs/aws.md lists every key.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ContextKeyAttribute(string key) : Attribute
{
    public string Key { get; } = key;

    public double Min { get; init; } = int.MinValue;

    public double Max { get; init; } = int.MaxValue;

    /// <summary>Why the deployment cannot go without this key; null for a switch whose property has a default.</summary>
    public string? Required { get; init; }
}
