using Todo.Contracts;

namespace Todo.Api.Identity;

/// <summary>What the section <c>Authentication:Schemes:Bearer</c> must hold for any token to be validated.</summary>
public static class BearerSettings
{
    public const string Section = "Authentication:Schemes:Bearer";

    /// <summary>Cognito app clients whose access tokens are accepted (they carry <c>client_id</c>, not <c>aud</c>).</summary>
    public const string ValidClientIds = ApiSettings.ValidClientIds;

    public static IReadOnlyCollection<string> ClientIds(IConfiguration configuration) =>
        configuration.GetSection(ValidClientIds).Get<string[]>() ?? [];

    /// <summary>Whether signing keys are configured, or an authority whose metadata names them.</summary>
    public static bool HasKeySource(IConfiguration configuration)
    {
        var bearer = configuration.GetSection(Section);
        return IsDiscovered(bearer) || bearer.GetSection("SigningKeys").GetChildren().Any();
    }

    /// <summary>The first setting missing for tokens to be validated, or null when none is.</summary>
    public static string? Missing(IConfiguration configuration)
    {
        var bearer = configuration.GetSection(Section);
        var discovered = IsDiscovered(bearer);
        if (!HasKeySource(configuration))
        {
            return $"{Section}:Authority (or {Section}:SigningKeys)";
        }
        if (!discovered && !Has(bearer, "ValidIssuer") && !Has(bearer, "ValidIssuers"))
        {
            return $"{Section}:ValidIssuer";
        }
        if (!Has(bearer, "ValidAudience") && !Has(bearer, "ValidAudiences") && ClientIds(configuration).Count == 0)
        {
            return $"{Section}:ValidAudiences (or {ValidClientIds})";
        }
        return null;
    }

    private static bool IsDiscovered(IConfigurationSection bearer) => Has(bearer, "Authority") || Has(bearer, "MetadataAddress");

    private static bool Has(IConfigurationSection section, string key) =>
        !string.IsNullOrEmpty(section[key]) || section.GetSection(key).GetChildren().Any(child => !string.IsNullOrEmpty(child.Value));
}
