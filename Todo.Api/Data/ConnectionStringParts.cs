using Microsoft.Extensions.Configuration;

namespace Todo.Api.Data;

/// <summary>
/// Parts of a connection string that arrive on their own, as children of it: <c>ConnectionStrings:todos:Password</c>
/// beside <c>ConnectionStrings:todos</c>. On AWS the secret parts (host, user, password) are injected one by one from
/// the secrets that rotation updates, never baked into a connection string that rotation would leave stale.
/// </summary>
internal static class ConnectionStringParts
{
    public static IReadOnlyDictionary<string, string> Of(IConfiguration configuration, string connectionName) =>
        configuration.GetSection("ConnectionStrings").GetSection(connectionName).GetChildren()
            .Where(part => part.Value is not null)
            .ToDictionary(part => part.Key, part => part.Value!, StringComparer.OrdinalIgnoreCase);
}
