using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Todo.Api.Identity;

public static partial class TodoAuthenticationExtensions
{
    /// <summary>The policy of every todo route (<see cref="RequireTodoCaller{TBuilder}"/>).</summary>
    public const string TodoPolicy = "todos";

    /// <summary>The largest token read at all; Kestrel refuses request headers past 32 KB before this.</summary>
    public const int MaxTokenBytes = 16 * 1024;

    /// <summary>How far apart the issuer's clock and ours may be (the platform's default is five minutes).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>
    /// JWT bearer authentication from the standard section <c>Authentication:Schemes:Bearer</c>, tightened so that no
    /// setting left out weakens it: issuer, audience (or Cognito's client), lifetime and signature are always checked.
    /// </summary>
    public static IHostApplicationBuilder AddTodoAuthentication(this IHostApplicationBuilder builder)
    {
        builder.AddLocalSigningKey();
        var access = builder.Configuration.GetSection(TodoAccessOptions.Section).Get<TodoAccessOptions>() ?? new TodoAccessOptions();
        var callers = new TodoCallers(access);
        builder.Services.AddSingleton(access);
        builder.Services.AddSingleton(callers);

        // No default scheme (the csproj suppresses the one-scheme default): only the todo routes' policy authenticates, so
        // /, /alive and /health never read a token.
        builder.Services.AddAuthentication().AddJwtBearer();
        builder.Services.AddSingleton<ValidatedTokenCache>();
        var clientIds = BearerSettings.ClientIds(builder.Configuration);
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).PostConfigure<ValidatedTokenCache>((options, validated) =>
        {
            var parameters = options.TokenValidationParameters;
            parameters.ValidateIssuer = true;
            parameters.ValidateAudience = true;
            parameters.AudienceValidator = (audiences, token, validation) => IsValidAudience(audiences, token, validation, clientIds);
            parameters.ValidateLifetime = true;
            parameters.RequireExpirationTime = true;
            parameters.RequireSignedTokens = true;
            parameters.ValidateIssuerSigningKey = true;
            parameters.ClockSkew = ClockSkew;
            parameters.NameClaimType = TodoCallers.SubjectClaim;

            options.MapInboundClaims = false;
            options.TokenHandlers.Clear();
            options.TokenHandlers.Add(new JsonWebTokenHandler { MapInboundClaims = false, MaximumTokenSizeInBytes = MaxTokenBytes });
            options.Events = new JwtBearerEvents
            {
                // A token validated before and not yet expired is accepted as it was, before the handler does anything.
                OnMessageReceived = context =>
                {
                    if (BearerToken(context.Request) is { } token && validated.TryGet(token, out var principal))
                    {
                        context.Principal = principal;
                        context.Success();
                    }
                    return Task.CompletedTask;
                },
                OnTokenValidated = context =>
                {
                    if (context.SecurityToken is JsonWebToken token && context.Principal?.Identity is System.Security.Claims.ClaimsIdentity identity)
                    {
                        validated.Remember(token.EncodedToken, identity, token.ValidTo);
                    }
                    return Task.CompletedTask;
                },
            };
        });

        builder.Services.AddAuthorizationBuilder().AddPolicy(TodoPolicy, policy => policy.AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme).RequireAssertion(context =>
        {
            if (context.User.Identity?.IsAuthenticated == true)
            {
                return callers.Admits(context.User);
            }
            // The open API admits a request that sends no credentials; one that sends a bad token is still refused.
            return access.AllowAnonymous && context.Resource is HttpContext http && !http.Request.Headers.ContainsKey("Authorization");
        }));
        return builder;
    }

    /// <summary>The token of an <c>Authorization: Bearer</c> header, as the bearer handler reads it; null for none.</summary>
    private static string? BearerToken(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization["Bearer ".Length..].Trim() is { Length: > 0 } token
            ? token
            : null;
    }

    /// <summary>
    /// Every route of the group needs a valid token (401 without one) that <see cref="TodoCallers.Admits"/> (403 otherwise).
    /// </summary>
    public static TBuilder RequireTodoCaller<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(TodoPolicy);

    /// <summary>
    /// An audience the settings name, or else a Cognito access token of an accepted app client: Cognito puts the client
    /// in <c>client_id</c> and no <c>aud</c> in access tokens, and prescribes checking <c>token_use</c> and <c>client_id</c>.
    /// </summary>
    private static bool IsValidAudience(IEnumerable<string> audiences, SecurityToken token, TokenValidationParameters validation, IReadOnlyCollection<string> clientIds)
    {
        var valid = validation.ValidAudiences ?? [];
        if (audiences.Any(audience => valid.Contains(audience, StringComparer.Ordinal) || audience == validation.ValidAudience))
        {
            return true;
        }
        return token is JsonWebToken jwt
            && jwt.TryGetPayloadValue<string>("token_use", out var use) && use == "access"
            && jwt.TryGetPayloadValue<string>("client_id", out var client) && clientIds.Contains(client, StringComparer.Ordinal);
    }

    /// <summary>
    /// Before the API listens: false (and logged) where it must not start, i.e. in Production without the settings
    /// that validate a token, or in any environment but Development with the open API switched on but not confirmed.
    /// </summary>
    public static bool CheckTodoAccess(this WebApplication app)
    {
        var access = app.Services.GetRequiredService<TodoAccessOptions>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TodoAuthenticationExtensions));
        var production = app.Environment.IsProduction();
        if (access.AllowAnonymous)
        {
            if (!app.Environment.IsDevelopment() && !access.AllowAnonymousOutsideDevelopment)
            {
                LogAnonymousRefused(logger, app.Environment.EnvironmentName);
                return false;
            }
            LogAnonymousAllowed(logger, app.Environment.EnvironmentName);
        }

        if (BearerSettings.Missing(app.Configuration) is { } missing)
        {
            if (production)
            {
                LogMissingSetting(logger, missing);
                return false;
            }
            LogNoTokensAccepted(logger, missing);
        }
        return true;
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Not starting: Authentication:AllowAnonymous opens every todo to anyone, and outside Development ({Environment}) it also needs Authentication:AllowAnonymousOutsideDevelopment=true to confirm it.")]
    private static partial void LogAnonymousRefused(ILogger logger, string environment);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Authentication:AllowAnonymous is on ({Environment}): requests without a token may read, change and delete every todo.")]
    private static partial void LogAnonymousAllowed(ILogger logger, string environment);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Not starting: authentication is not configured; set {Setting}.")]
    private static partial void LogMissingSetting(ILogger logger, string setting);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No token can be accepted until {Setting} is set; every todo route answers 401. Locally: dotnet user-jwts create --project Todo.Api.")]
    private static partial void LogNoTokensAccepted(ILogger logger, string setting);
}
