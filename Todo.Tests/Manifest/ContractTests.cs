using Microsoft.AspNetCore.Authentication.JwtBearer;
using Todo.Api.Data;
using Todo.Api.Identity;
using Todo.Contracts;

namespace Todo.Tests.Manifest;

/// <summary>
/// The keys the AppHost and Todo.Aws set on the API (<see cref="ApiSettings"/>) are the ones the API binds: its option
/// classes' sections and property names, and the bearer handler's own (the API names the application role's section
/// and the client ids by the contract itself).
/// </summary>
[Trait("Category", "Manifest")]
public sealed class ContractTests
{
    [Fact]
    public void Every_setting_the_deployment_gives_the_api_is_a_key_the_api_reads()
    {
        Assert.Equal($"{BearerSettings.Section}:{nameof(JwtBearerOptions.Authority)}", ApiSettings.Authority);
        Assert.StartsWith($"{BearerSettings.Section}:", ApiSettings.ValidClientIds, StringComparison.Ordinal);
        Assert.Equal($"{TodoAccessOptions.Section}:{nameof(TodoAccessOptions.AdminScope)}", ApiSettings.AdminScope);
        Assert.Equal($"{TodoAccessOptions.Section}:{nameof(TodoAccessOptions.UserScope)}", ApiSettings.UserScope);
        Assert.Equal($"{TodoDatabaseOptions.SectionName}:{nameof(TodoDatabaseOptions.MigrateOnStartup)}", ApiSettings.MigrateOnStartup);
    }
}
