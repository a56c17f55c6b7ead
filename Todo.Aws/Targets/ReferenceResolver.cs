using Todo.Aws.Manifest;

namespace Todo.Aws.Targets;

/// <summary>
/// Turns a manifest value into its AWS form by resolving each <c>{resource.path}</c> against the deployed targets.
/// The result is secret when any part is, and then holds Secrets Manager dynamic references instead of secrets.
/// </summary>
public sealed class ReferenceResolver(IReadOnlyDictionary<string, IAwsTarget> targets)
{
    public ResolvedValue Resolve(string value, Func<string, IAwsTarget?>? localTargets = null)
    {
        var parts = ManifestExpression.Parse(value)
            .Select(part => part switch
            {
                ManifestExpression.Literal literal => ResolvedValue.Plain(literal.Text),
                ManifestExpression.Reference reference => TargetOf(reference.Resource, localTargets).Resolve(reference.Path),
                _ => throw new InvalidOperationException(),
            })
            .ToList();

        return parts switch
        {
            [] => ResolvedValue.Plain(""),
            [var single] => single,
            _ => new ResolvedValue(string.Concat(parts.Select(part => part.Text)), parts.Any(part => part.IsSecret))
            {
                Parts = parts.SelectMany(part => part.Parts).ToDictionary(StringComparer.OrdinalIgnoreCase),
                Owner = parts.Select(part => part.Owner).OfType<SchemaOwner>().Distinct().SingleOrDefault(),
            },
        };
    }

    private IAwsTarget TargetOf(string resource, Func<string, IAwsTarget?>? localTargets) =>
        localTargets?.Invoke(resource)
        ?? (targets.TryGetValue(resource, out var target)
            ? target
            : throw new DeploymentRefusedException($"'{resource}' is referenced but is not deployed to AWS."));
}
