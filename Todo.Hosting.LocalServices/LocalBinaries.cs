namespace Todo.Hosting.LocalServices;

/// <summary>Locates the PostgreSQL and Redis server programs that process mode runs.</summary>
public sealed record LocalBinaries(string PostgresBinDirectory, string RedisServer)
{
    /// <summary>The system account Redis runs as when the AppHost is root: the one its Debian package creates.</summary>
    public string RedisAccount => Path.GetFileName(RedisServer) == "valkey-server" ? "valkey" : "redis";

    public string Postgres => Path.Combine(PostgresBinDirectory, "postgres");

    public string InitDb => Path.Combine(PostgresBinDirectory, "initdb");

    /// <summary>Finds both servers, or throws one message naming every Debian package that is missing.</summary>
    public static LocalBinaries Find() =>
        Find("/usr/lib/postgresql", SystemPrograms.SearchPath);

    /// <summary>Looks in Debian's per-version PostgreSQL directories below <paramref name="postgresRoot"/>, then on <paramref name="searchPath"/>.</summary>
    public static LocalBinaries Find(string postgresRoot, string searchPath)
    {
        var postgres = FindPostgresBinDirectory(postgresRoot, searchPath);
        var redis = SystemPrograms.Find("redis-server", searchPath) ?? SystemPrograms.Find("valkey-server", searchPath);

        var missing = new List<string>();
        if (postgres is null)
        {
            missing.Add("postgresql");
        }
        if (redis is null)
        {
            missing.Add("redis-server");
        }
        if (missing.Count > 0)
        {
            throw new MissingLocalBinariesException(missing);
        }

        return new LocalBinaries(postgres!, redis!);
    }

    private static string? FindPostgresBinDirectory(string postgresRoot, string searchPath)
    {
        // Debian installs server binaries per major version, outside PATH; prefer the newest.
        var debianLayout = Directory.Exists(postgresRoot)
            ? Directory.GetDirectories(postgresRoot)
                .Select(versionDirectory => Path.Combine(versionDirectory, "bin"))
                .Where(IsPostgresBinDirectory)
                .OrderByDescending(directory => int.TryParse(Path.GetFileName(Path.GetDirectoryName(directory)), out var major) ? major : 0)
                .FirstOrDefault()
            : null;

        return debianLayout ?? (SystemPrograms.Find("postgres", searchPath) is { } onPath ? Path.GetDirectoryName(onPath) : null);
    }

    private static bool IsPostgresBinDirectory(string directory) =>
        File.Exists(Path.Combine(directory, "postgres")) && File.Exists(Path.Combine(directory, "initdb"));
}

public sealed class MissingLocalBinariesException(IReadOnlyList<string> packages) : Exception(
    $"PostgreSQL and Redis run as local processes because no container runtime answered, but {string.Join(" and ", packages)} " +
    $"{(packages.Count == 1 ? "is" : "are")} not installed. Install with: sudo apt-get install -y {string.Join(' ', packages)} " +
    "(or start Docker/Podman, or set Todo:LocalServices=containers).")
{
    public IReadOnlyList<string> Packages { get; } = packages;
}
