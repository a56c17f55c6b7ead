using Amazon.CDK;
using Amazon.CDK.AWS.Cognito;
using Constructs;

namespace Todo.Aws.Stacks;

/// <summary>
/// The model's identity resource as an Amazon Cognito user pool: the API's token issuer. People sign in through the
/// users' app client (no secret; user password or SRP); operators get admin tokens from the admin app client with the
/// client-credentials grant, its only scope being the admin scope of the API's resource server. The pool is kept when
/// the stack is deleted: a todo's owner is a user's <c>sub</c>, and a new pool would give every user a new one.
/// </summary>
public sealed class IdentityStack : Stack, IAwsTarget
{
    private readonly string _name;
    private readonly UserPool _pool;
    private readonly UserPoolClient _users;
    private readonly UserPoolClient _admin;
    private readonly string _adminScope;

    public IdentityStack(Construct scope, string id, string name, string adminScope, TodoAwsOptions options, IStackProps props)
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
            new NagSuppression("COG2", "People enrol a TOTP authenticator when they choose (MFA optional, never SMS); requiring it "
                + "would stop the CLI sign-in README documents at an MFA_SETUP challenge. Admin tokens come from the client-credentials "
                + "client, with no user and no password to take over."),
            new NagSuppression("COG3", "Threat protection (AdvancedSecurityMode ENFORCED) needs Cognito's Plus tier, priced per monthly "
                + "active user. Without self sign-up there are no strangers' sign-ups to screen: administrators create every user, and "
                + "passwords need 12 characters of four kinds."));

        var identifier = $"{options.AppName}-api";
        var admin = new ResourceServerScope(new ResourceServerScopeProps
        {
            ScopeName = adminScope,
            ScopeDescription = "See, change and delete every owner's todos.",
        });
        var server = _pool.AddResourceServer("ResourceServer", new UserPoolResourceServerOptions
        {
            Identifier = identifier,
            UserPoolResourceServerName = $"{options.AppName} API",
            Scopes = [admin],
        });
        _adminScope = $"{identifier}/{adminScope}";

        _users = _pool.AddClient("UserClient", new UserPoolClientOptions
        {
            UserPoolClientName = $"{options.AppName}-users",
            GenerateSecret = false,
            AuthFlows = new AuthFlow { UserPassword = true, UserSrp = true },
            DisableOAuth = true,
            PreventUserExistenceErrors = true,
            AccessTokenValidity = Duration.Hours(1),
            IdTokenValidity = Duration.Hours(1),
            RefreshTokenValidity = Duration.Days(30),
        });
        _admin = _pool.AddClient("AdminClient", new UserPoolClientOptions
        {
            UserPoolClientName = $"{options.AppName}-admin",
            GenerateSecret = true,
            AuthFlows = new AuthFlow(),
            OAuth = new OAuthSettings
            {
                Flows = new OAuthFlows { ClientCredentials = true },
                Scopes = [OAuthScope.ResourceServer(server, admin)],
            },
            PreventUserExistenceErrors = true,
            AccessTokenValidity = Duration.Hours(1),
        });
        // The client-credentials grant is served at the pool's domain; the prefix is unique per region.
        var domain = _pool.AddDomain("Domain", new UserPoolDomainOptions
        {
            CognitoDomain = new CognitoDomainOptions { DomainPrefix = $"{options.AppName}-{name}-{Amazon.CDK.Aws.ACCOUNT_ID}" },
        });

        _ = new CfnOutput(this, "UserPoolId", new CfnOutputProps { Value = _pool.UserPoolId, Description = "The user pool that issues the API's tokens." });
        _ = new CfnOutput(this, "UserClientId", new CfnOutputProps { Value = _users.UserPoolClientId, Description = "App client for people (initiate-auth)." });
        _ = new CfnOutput(this, "AdminClientId", new CfnOutputProps { Value = _admin.UserPoolClientId, Description = "App client for admin tokens (client credentials)." });
        _ = new CfnOutput(this, "TokenEndpoint", new CfnOutputProps { Value = $"{domain.BaseUrl()}/oauth2/token", Description = "Where the admin client gets tokens." });
        _ = new CfnOutput(this, "AdminScope", new CfnOutputProps { Value = _adminScope, Description = "The scope to ask for with the admin client." });
    }

    public ResolvedValue Resolve(string path) => path switch
    {
        // ProviderURL is the issuer without its scheme (cognito-idp.{region}.amazonaws.com/{pool id}).
        "authority" => ResolvedValue.Plain($"https://{_pool.UserPoolProviderUrl}"),
        "userClientId" => ResolvedValue.Plain(_users.UserPoolClientId),
        "adminClientId" => ResolvedValue.Plain(_admin.UserPoolClientId),
        "adminScope" => ResolvedValue.Plain(_adminScope),
        _ => throw AwsTargets.UnknownPath(_name, path),
    };
}
