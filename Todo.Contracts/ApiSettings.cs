namespace Todo.Contracts;

/// <summary>Configuration keys of the API that the AppHost and the deployment set.</summary>
public static class ApiSettings
{
    public const string Authority = "Authentication:Schemes:Bearer:Authority";

    /// <summary>A list: <c>…:ValidClientIds:0</c>, <c>…:1</c>.</summary>
    public const string ValidClientIds = "Authentication:Schemes:Bearer:ValidClientIds";

    public const string AdminScope = "Authentication:AdminScope";

    public const string UserScope = "Authentication:UserScope";

    /// <summary>A section: <c>Name</c> and <c>Password</c> of the role the API connects as.</summary>
    public const string ApplicationRole = "Database:ApplicationRole";

    public const string MigrateOnStartup = "Database:MigrateOnStartup";

    /// <summary>The environment variable that sets <paramref name="key"/>: <c>a:b</c> is <c>a__b</c>.</summary>
    public static string EnvironmentVariable(string key) => key.Replace(":", "__", StringComparison.Ordinal);
}
