using System.Text.Json.Nodes;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Aws;

/// <summary>The model's token issuer as a Cognito user pool, and the API configured from it.</summary>
[Collection(AwsCollection.Name)]
[Trait("Category", "Aws")]
public sealed class IdentityTests(DefaultDeployment defaults)
{
    private JsonNode Single(string type) => Assert.Single(defaults.Synthesis.Resources("todo-identity", type).Values);

    [Fact]
    public void The_user_pool_admits_no_self_sign_up_is_protected_from_deletion_and_kept_with_the_owners_it_identifies()
    {
        var pool = Single("AWS::Cognito::UserPool");
        var properties = pool["Properties"]!;

        Assert.Equal("Retain", pool["DeletionPolicy"]!.GetValue<string>());
        Assert.Equal("ACTIVE", properties["DeletionProtection"]!.GetValue<string>());
        Assert.True(properties["AdminCreateUserConfig"]!["AllowAdminCreateUserOnly"]!.GetValue<bool>());
        var passwords = properties["Policies"]!["PasswordPolicy"]!;
        Assert.Equal(12, passwords["MinimumLength"]!.GetValue<int>());
        Assert.All(new[] { "RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols" }, rule => Assert.True(passwords[rule]!.GetValue<bool>(), rule));
    }

    [Fact]
    public void The_admin_scope_is_the_resource_servers_and_only_the_admin_client_may_ask_for_it()
    {
        var server = Single("AWS::Cognito::UserPoolResourceServer")["Properties"]!;
        var clients = defaults.Synthesis.Resources("todo-identity", "AWS::Cognito::UserPoolClient").Values
            .ToDictionary(client => client["Properties"]!["ClientName"]!.GetValue<string>(), client => client["Properties"]!);

        Assert.Equal("todo-api", server["Identifier"]!.GetValue<string>());
        Assert.Equal("todos:admin", Assert.Single(server["Scopes"]!.AsArray())!["ScopeName"]!.GetValue<string>());

        var users = clients["todo-users"];
        Assert.False(users["GenerateSecret"]!.GetValue<bool>());
        Assert.Null(users["AllowedOAuthScopes"]);
        Assert.Equal(["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            users["ExplicitAuthFlows"]!.AsArray().Select(flow => flow!.GetValue<string>()));

        var admin = clients["todo-admin"];
        Assert.True(admin["GenerateSecret"]!.GetValue<bool>());
        Assert.Equal(["client_credentials"], admin["AllowedOAuthFlows"]!.AsArray().Select(flow => flow!.GetValue<string>()));
        // The resource server's identifier (by reference, so the client waits for the server) and the scope.
        var scope = Assert.Single(admin["AllowedOAuthScopes"]!.AsArray())!.ToJsonString();
        Assert.Contains("ResourceServer", scope);
        Assert.Contains("\"/todos:admin\"", scope);
        Assert.True(admin["AllowedOAuthFlowsUserPoolClient"]!.GetValue<bool>());
    }

    [Fact]
    public void The_token_domain_prefix_keeps_cognitos_rules()
    {
        var prefix = Single("AWS::Cognito::UserPoolDomain")["Properties"]!["Domain"]!.ToJsonString();

        // Lowercase letters, digits and hyphens, at most 63, and none of the words Cognito reserves.
        Assert.Contains("\"todo-identity-\"", prefix);
        Assert.Contains("AWS::AccountId", prefix);
        Assert.True("todo-identity-".Length + 12 <= 63);
        Assert.DoesNotMatch("(?i)aws|amazon|cognito", "todo-identity-");
    }

    [Fact]
    public void The_api_takes_its_authority_accepted_clients_and_admin_scope_from_the_pool()
    {
        var container = Assert.Single(defaults.Synthesis.Resources("todo-api", "AWS::ECS::TaskDefinition").Values)["Properties"]!["ContainerDefinitions"]![0]!;
        var environment = container["Environment"]!.AsArray().ToDictionary(
            variable => variable!["Name"]!.GetValue<string>(), variable => variable!["Value"]!.ToJsonString());

        // The issuer in a token is https:// followed by the pool's ProviderURL, which CloudFormation gives without a scheme.
        var authority = environment["Authentication__Schemes__Bearer__Authority"];
        Assert.StartsWith("{\"Fn::Join\":[\"\",[\"https://\",{\"Fn::ImportValue\":", authority);
        var imported = System.Text.RegularExpressions.Regex.Match(authority, "\"Fn::ImportValue\":\"([^\"]+)\"").Groups[1].Value;
        var exported = defaults.Synthesis.Json["todo-identity"]["Outputs"]!.AsObject()
            .Single(output => output.Value!["Export"]?["Name"]?.GetValue<string>() == imported).Value!["Value"]!.ToJsonString();
        Assert.Contains("ProviderURL", exported);
        Assert.Contains("UserClient", environment["Authentication__Schemes__Bearer__ValidClientIds__0"]);
        Assert.Contains("AdminClient", environment["Authentication__Schemes__Bearer__ValidClientIds__1"]);
        Assert.Equal("\"todo-api/todos:admin\"", environment["Authentication__AdminScope"]);
        Assert.DoesNotContain(environment.Keys, key => key.Contains("AllowAnonymous", StringComparison.Ordinal));
    }

    [Fact]
    public void Outputs_name_the_pool_its_clients_and_the_token_endpoint()
    {
        var outputs = defaults.Synthesis.Json["todo-identity"]["Outputs"]!.AsObject();

        Assert.Subset(outputs.Select(output => output.Key).ToHashSet(), new HashSet<string> { "UserPoolId", "UserClientId", "AdminClientId", "TokenEndpoint", "AdminScope" });
        Assert.Contains("/oauth2/token", outputs["TokenEndpoint"]!["Value"]!.ToJsonString());
    }
}
