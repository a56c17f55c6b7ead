
namespace Todo.Aws.Targets;

/// <summary>
/// A database's owner credentials (connection-string keywords to secret fields, like <see cref="ResolvedValue.Parts"/>),
/// and the application role that the connection string's own credentials log in as, with the password it is created
/// with. <c>migrate</c> gets these; the service never does.
/// </summary>
public sealed record SchemaOwner(IReadOnlyDictionary<string, SecretField> Parts, string Role, SecretField RolePassword);
