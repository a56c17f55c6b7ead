using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Todo.ServiceDefaults.Security;

public static class SecurityHeadersExtensions
{
    /// <summary>
    /// Headers that keep browsers from misusing API responses: no sniffing, no framing, no referrer, no active
    /// content (the Swagger UI page, Development only, needs its own scripts), and HSTS on HTTPS.
    /// </summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Resource-Policy"] = "same-origin";
                if (!context.Request.Path.StartsWithSegments("/swagger"))
                {
                    headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
                }
                if (context.Request.IsHttps)
                {
                    headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
                }
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
