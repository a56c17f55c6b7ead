using EcsSecret = Amazon.CDK.AWS.ECS.Secret;
using Todo.Aws.Targets;

namespace Todo.Aws.Constructs;

public static class EcsSecrets
{
    /// <summary>Each part of a connection string that comes from a secret, as the variable <c>{variable}__{keyword}</c>.</summary>
    public static void AddParts(Dictionary<string, EcsSecret> secrets, string variable, IReadOnlyDictionary<string, SecretField> parts)
    {
        foreach (var (keyword, part) in parts)
        {
            secrets[$"{variable}__{keyword}"] = part.Field is null
                ? EcsSecret.FromSecretsManager(part.Secret)
                : EcsSecret.FromSecretsManager(part.Secret, part.Field);
        }
    }
}
