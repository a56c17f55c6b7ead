using Amazon.CDK;
using Amazon.CDK.AWS.Cognito;
using Constructs;
using Todo.Contracts;
using Todo.Aws.Constructs;
using Todo.Aws.Targets;

namespace Todo.Aws.Stacks;

/// <summary>
/// The model's identity resource as an Amazon Cognito user pool: the API's token issuer. People sign in at the pool's
/// hosted page through the users' app client (authorization code with PKCE, no secret) and get tokens whose only scope
/// is the API's user scope; operators get admin tokens from the admin app client with the client-credentials grant. No
/// client signs in with a password through Cognito's API, whose tokens carry Cognito's self-service scope instead. The
/// pool is kept when the stack is deleted: a todo's owner is a user's <c>sub</c>, and a new pool would give every user
/// a new one.
/// </summary>
public sealed class IdentityStack : Stack, IAwsTarget
{
    private readonly string _name;
    private readonly UserPool _pool;
    private readonly UserPoolClient _users;
    private readonly UserPoolClient _admin;
    private readonly string _adminScope;
    private readonly string _userScope;

    public IdentityStack(Construct scope, string id, string name, string adminScope, string userScope, TodoAwsOptions options, IStackProps props)
        : base(scope, id, props)
    {
        _name = name;
        _pool = new UserPool(this, "UserPool", new UserPoolProps
        {
            UserPoolName = $"{options.AppName}-{name}",
            SelfSignUpEnabled = false,
            SignInAliases = new SignInAliases { Username = true, Email = true },
            StandardAttributes = new StandardAttributes { Email = new StandardAttribute { Required = true, Mutable = true } },
            PasswordPolicy = new PasswordPolicy
            {
                MinLength = 12,
                RequireLowercase = true,
                RequireUppercase = true,
                RequireDigits = true,
                RequireSymbols = true,
                TempPasswordValidity = Duration.Days(3),
            },
            Mfa = Mfa.OPTIONAL,
            MfaSecondFactor = new MfaSecondFactor { Otp = true, Sms = false },
            AccountRecovery = AccountRecovery.EMAIL_ONLY,
            DeletionProtection = true,
            RemovalPolicy = RemovalPolicy.RETAIN,
        });

        NagSuppression.On(_pool,
            new NagSuppression("COG2", "People enrol a TOTP authenticator when they choose (MFA optional, never SMS); a team that "
                + "wants it of everyone makes it required on the pool. Admin tokens come from the client-credentials client, with no "
                + "user and no password to take over."),
            new NagSuppression("COG3", "Threat protection (AdvancedSecurityMode ENFORCED) needs Cognito's Plus tier, priced per monthly "
                + "active user. Without self sign-up there are no strangers' sign-ups to screen: administrators create every user, and "
                + "passwords need 12 characters of four kinds."));

        var identifier = $"{options.AppName}-api";
        var admin = new ResourceServerScope(new ResourceServerScopeProps
        {
            ScopeName = adminScope,
            ScopeDescription = "See, change and delete every owner's todos.",
        });
        var user = new ResourceServerScope(new ResourceServerScopeProps
        {
            ScopeName = userScope,
            ScopeDescription = "See, change and delete one's own todos.",
        });
        var server = _pool.AddResourceServer("ResourceServer", new UserPoolResourceServerOptions
        {
            Identifier = identifier,
            UserPoolResourceServerName = $"{options.AppName} API",
            Scopes = [admin, user],
        });
        _adminScope = $"{identifier}/{adminScope}";
        _userScope = $"{identifier}/{userScope}";

        _users = _pool.AddClient("UserClient", new UserPoolClientOptions
        {
            UserPoolClientName = $"{options.AppName}-users",
            GenerateSecret = false,
            OAuth = new OAuthSettings
            {
                Flows = new OAuthFlows { AuthorizationCodeGrant = true },
                Scopes = [OAuthScope.ResourceServer(server, user)],
                CallbackUrls = [.. options.SignInCallbackUrls],
            },
            SupportedIdentityProviders = [UserPoolClientIdentityProvider.COGNITO],
            PreventUserExistenceErrors = true,
            AccessTokenValidity = Duration.Hours(1),
            IdTokenValidity = Duration.Hours(1),
            RefreshTokenValidity = Duration.Days(30),
        });
        _admin = _pool.AddClient("AdminClient", new UserPoolClientOptions
        {
            UserPoolClientName = $"{options.AppName}-admin",
            GenerateSecret = true,
            OAuth = new OAuthSettings
            {
                Flows = new OAuthFlows { ClientCredentials = true },
                Scopes = [OAuthScope.ResourceServer(server, admin)],
            },
            PreventUserExistenceErrors = true,
            AccessTokenValidity = Duration.Hours(1),
        });
        OnlyRefreshTokenSignIn(_users);
        OnlyRefreshTokenSignIn(_admin);
        // The hosted sign-in page and the token endpoint are served at the pool's domain; the prefix is unique per region.
        var domain = _pool.AddDomain("Domain", new UserPoolDomainOptions
        {
            CognitoDomain = new CognitoDomainOptions { DomainPrefix = $"{options.AppName}-{name}-{Amazon.CDK.Aws.ACCOUNT_ID}" },
        });

        _ = new CfnOutput(this, "UserPoolId", new CfnOutputProps { Value = _pool.UserPoolId, Description = "The user pool that issues the API's tokens." });
        _ = new CfnOutput(this, "UserClientId", new CfnOutputProps { Value = _users.UserPoolClientId, Description = "App client for people (authorization code with PKCE)." });
        _ = new CfnOutput(this, "AdminClientId", new CfnOutputProps { Value = _admin.UserPoolClientId, Description = "App client for admin tokens (client credentials)." });
        _ = new CfnOutput(this, "AuthorizeEndpoint", new CfnOutputProps { Value = $"{domain.BaseUrl()}/oauth2/authorize", Description = "Where people sign in for a token." });
        _ = new CfnOutput(this, "TokenEndpoint", new CfnOutputProps { Value = $"{domain.BaseUrl()}/oauth2/token", Description = "Where codes and client credentials become tokens." });
        _ = new CfnOutput(this, "SignInCallbackUrl", new CfnOutputProps { Value = options.SignInCallbackUrls[0], Description = "Where the sign-in page sends its code." });
        _ = new CfnOutput(this, "UserScope", new CfnOutputProps { Value = _userScope, Description = "The scope to ask for at sign-in." });
        _ = new CfnOutput(this, "AdminScope", new CfnOutputProps { Value = _adminScope, Description = "The scope to ask for with the admin client." });
    }

    /// <summary>
    /// Refresh tokens only: a client that names no flows allows SRP and custom sign-in too (CreateUserPoolClient,
    /// ExplicitAuthFlows), and a sign-in through Cognito's API issues its self-service scope.
    /// </summary>
    private static void OnlyRefreshTokenSignIn(UserPoolClient client) =>
        ((CfnUserPoolClient)client.Node.DefaultChild!).ExplicitAuthFlows = ["ALLOW_REFRESH_TOKEN_AUTH"];

    public ResolvedValue Resolve(string path) => path switch
    {
        // The iss of the pool's tokens, from parts whose values are documented (region, URL suffix, pool id).
        TokenIssuerContract.Authority => ResolvedValue.Plain($"https://cognito-idp.{Amazon.CDK.Aws.REGION}.{Amazon.CDK.Aws.URL_SUFFIX}/{_pool.UserPoolId}"),
        TokenIssuerContract.UserClientId => ResolvedValue.Plain(_users.UserPoolClientId),
        TokenIssuerContract.AdminClientId => ResolvedValue.Plain(_admin.UserPoolClientId),
        TokenIssuerContract.AdminScope => ResolvedValue.Plain(_adminScope),
        TokenIssuerContract.UserScope => ResolvedValue.Plain(_userScope),
        _ => throw AwsTargets.UnknownPath(_name, path),
    };
}
