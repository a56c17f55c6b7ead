using System.ComponentModel.DataAnnotations;
using Todo.Contracts;

namespace Todo.Api.Data;

/// <summary>
/// The PostgreSQL role the API connects as where the schema's owner is someone else (Aurora's master user on AWS):
/// it reads and writes rows and cannot change the schema, the migrations' history or any other role. Created once,
/// with the password the deployment generated for it; later runs only grant, because a rotation owns the password
/// from then on. A rotation that alternates users makes <c>{name}_clone</c> a member of this role, so it holds the same
/// rights without a grant of its own.
/// </summary>
public sealed class ApplicationRoleOptions
{
    public const string SectionName = ApiSettings.ApplicationRole;

    [RegularExpression("^[a-z_][a-z0-9_]{0,56}$", ErrorMessage = "The role name takes lowercase letters, digits and underscores, at most 57, so that a rotation's _clone still fits.")]
    public string? Name { get; set; }

    /// <summary>Used only when the role does not exist yet.</summary>
    public string? Password { get; set; }
}
