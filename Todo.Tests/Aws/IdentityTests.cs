using System.Text.Json.Nodes;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Aws;

/// <summary>The model's token issuer as a Cognito user pool, and the API configured from it.</summary>
[Collection(AwsCollection.Name)]
[Trait("Category", "Aws")]
[Trait("Category", "Slow")]
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

    /// <summary>
    /// People sign in at the pool's hosted page (authorization code) and get the API's scope alone: a token from the
    /// authorization endpoint carries the scopes requested that the client allows ("Authorize endpoint",
    /// https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html), so neither client may ask for
    /// aws.cognito.signin.user.admin. Neither allows a sign-in through Cognito's API: a client that names no
    /// ExplicitAuthFlows "supports ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_SRP_AUTH, and ALLOW_CUSTOM_AUTH"
    /// (CreateUserPoolClient, https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html),
    /// and such sign-ins issue only the self-service scope. Callback URLs are HTTPS but for http://localhost (same page).
    /// </summary>
    [Fact]
    public void People_get_the_api_scope_alone_from_the_sign_in_page_and_only_the_admin_client_may_ask_for_the_admin_scope()
    {
        var server = Single("AWS::Cognito::UserPoolResourceServer")["Properties"]!;
        var clients = defaults.Synthesis.Resources("todo-identity", "AWS::Cognito::UserPoolClient").Values
            .ToDictionary(client => client["Properties"]!["ClientName"]!.GetValue<string>(), client => client["Properties"]!);

        Assert.Equal("todo-api", server["Identifier"]!.GetValue<string>());
        Assert.Equal(["todos", "todos:admin"], server["Scopes"]!.AsArray().Select(scope => scope!["ScopeName"]!.GetValue<string>()).Order());

        var users = clients["todo-users"];
        Assert.False(users["GenerateSecret"]!.GetValue<bool>());
        Assert.Equal(["code"], Strings(users["AllowedOAuthFlows"]));
        Assert.True(users["AllowedOAuthFlowsUserPoolClient"]!.GetValue<bool>());
        Assert.Equal("\"/todos\"", ScopeName(Assert.Single(users["AllowedOAuthScopes"]!.AsArray())!));
        Assert.Equal(["http://localhost:8400/callback"], Strings(users["CallbackURLs"]));
        Assert.Equal(["COGNITO"], Strings(users["SupportedIdentityProviders"]));

        var admin = clients["todo-admin"];
        Assert.True(admin["GenerateSecret"]!.GetValue<bool>());
        Assert.Equal(["client_credentials"], Strings(admin["AllowedOAuthFlows"]));
        Assert.Equal("\"/todos:admin\"", ScopeName(Assert.Single(admin["AllowedOAuthScopes"]!.AsArray())!));
        Assert.True(admin["AllowedOAuthFlowsUserPoolClient"]!.GetValue<bool>());

        Assert.All(clients.Values, client =>
        {
            Assert.Equal(["ALLOW_REFRESH_TOKEN_AUTH"], Strings(client["ExplicitAuthFlows"]));
            Assert.DoesNotContain("aws.cognito.signin.user.admin", client.ToJsonString());
        });
    }

    private static List<string> Strings(JsonNode? list) => list!.AsArray().Select(item => item!.GetValue<string>()).ToList();

    /// <summary>The scope part of <c>{"Fn::Join":["",[{"Ref":server},"/todos"]]}</c>: the resource server by reference, so the client waits for it.</summary>
    private static string ScopeName(JsonNode scope)
    {
        var parts = scope["Fn::Join"]![1]!.AsArray();
        Assert.Contains("ResourceServer", parts[0]!.ToJsonString());
        return parts[1]!.ToJsonString();
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

    /// <summary>
    /// The API's authority is the issuer Cognito puts in its tokens, "https://cognito-idp.us-east-1.amazonaws.com/&lt;userpoolID&gt;"
    /// for a pool in us-east-1 ("Verifying JSON web tokens",
    /// https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html):
    /// the template's value, evaluated as CloudFormation would with the documented value of each function it uses (Ref of
    /// a user pool is its id, "Ref" of AWS::Cognito::UserPool in the CloudFormation reference). The pool's ProviderURL
    /// attribute is documented only as "the URL of the provider", which aws-cdk issues 19222 and 22951 show carrying
    /// https:// already; a template that uses it has no documented value here and fails.
    /// </summary>
    [Theory]
    [InlineData(DocumentedDeployments.Defaults, "us-east-1")]
    [InlineData(DocumentedDeployments.Switched, "eu-central-1")]
    public void The_api_takes_the_issuer_of_cognitos_tokens_as_its_authority_and_the_pools_clients_and_scopes(string deployment, string region)
    {
        var synthesis = DocumentedDeployments.Get(deployment);
        var environment = synthesis.Containers("todo-api")["todo-api"]["Environment"]!.AsArray().ToDictionary(
            variable => variable!["Name"]!.GetValue<string>(), variable => variable!["Value"]!);
        var pool = $"{region}_Example123";

        Assert.Equal($"https://cognito-idp.{region}.amazonaws.com/{pool}",
            Evaluate(synthesis, "todo-api", environment["Authentication__Schemes__Bearer__Authority"], region, pool));
        Assert.Contains("UserClient", environment["Authentication__Schemes__Bearer__ValidClientIds__0"]!.ToJsonString());
        Assert.Contains("AdminClient", environment["Authentication__Schemes__Bearer__ValidClientIds__1"]!.ToJsonString());
        Assert.Equal("todo-api/todos:admin", environment["Authentication__AdminScope"]!.GetValue<string>());
        Assert.Equal("todo-api/todos", environment["Authentication__UserScope"]!.GetValue<string>());
        Assert.DoesNotContain(environment.Keys, key => key.Contains("AllowAnonymous", StringComparison.Ordinal));
    }

    /// <summary>A template value as CloudFormation evaluates it, for the functions whose value is documented; anything else fails.</summary>
    private static string Evaluate(AwsSynthesis synthesis, string stack, JsonNode? value, string region, string pool) => value switch
    {
        JsonValue text => text.GetValue<string>(),
        JsonObject { Count: 1 } join when join["Fn::Join"] is JsonArray { Count: 2 } parts =>
            string.Join(parts[0]!.GetValue<string>(), parts[1]!.AsArray().Select(part => Evaluate(synthesis, stack, part, region, pool))),
        JsonObject { Count: 1 } reference when reference["Ref"] is JsonValue name => name.GetValue<string>() switch
        {
            "AWS::Region" => region,
            "AWS::URLSuffix" => "amazonaws.com",
            var logicalId when synthesis.Resources(stack, "AWS::Cognito::UserPool").ContainsKey(logicalId) => pool,
            var other => throw new Xunit.Sdk.XunitException($"Ref {other} in {stack} has no value this test knows."),
        },
        JsonObject { Count: 1 } import when import["Fn::ImportValue"] is JsonValue export => synthesis.Json
            .SelectMany(template => (template.Value["Outputs"]?.AsObject() ?? []).Select(output => (Stack: template.Key, Output: output.Value!)))
            .Where(output => output.Output["Export"]?["Name"]?.GetValue<string>() == export.GetValue<string>())
            .Select(output => Evaluate(synthesis, output.Stack, output.Output["Value"], region, pool))
            .Single(),
        _ => throw new Xunit.Sdk.XunitException($"{value?.ToJsonString()} in {stack} has no documented value to evaluate."),
    };

    [Fact]
    public void Outputs_name_the_pool_its_clients_its_endpoints_and_scopes()
    {
        var outputs = defaults.Synthesis.Json["todo-identity"]["Outputs"]!.AsObject();

        Assert.Subset(outputs.Select(output => output.Key).ToHashSet(), new HashSet<string>
        {
            "UserPoolId", "UserClientId", "AdminClientId", "AuthorizeEndpoint", "TokenEndpoint", "SignInCallbackUrl", "UserScope", "AdminScope",
        });
        Assert.Contains("/oauth2/authorize", outputs["AuthorizeEndpoint"]!["Value"]!.ToJsonString());
        Assert.Contains("/oauth2/token", outputs["TokenEndpoint"]!["Value"]!.ToJsonString());
    }
}
