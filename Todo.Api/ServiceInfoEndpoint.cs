using System.Reflection;

namespace Todo.Api;

public static class ServiceInfoEndpoint
{
    /// <summary><c>GET /</c>: the service's name and version as text. No I/O, never cached: the load-test baseline.</summary>
    public static IEndpointRouteBuilder MapServiceInfo(this IEndpointRouteBuilder app)
    {
        var version = typeof(ServiceInfoEndpoint).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";
        var banner = $"Todo API {version}";

        app.MapGet("/", () => banner).WithName("ServiceInfo").WithTags("Service").ExcludeFromDescription();
        return app;
    }
}
