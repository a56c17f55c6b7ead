using System.Text.RegularExpressions;

namespace Todo.Aws;

/// <summary>
/// How many connections the Aurora writer accepts, and so how large each task's Npgsql pool may be: Npgsql's default
/// of 100 per task times <c>maxTasks</c> would pass the server's limit long before the service is at full scale.
/// </summary>
/// <remarks>
/// Aurora PostgreSQL's <c>max_connections</c> defaults to <c>LEAST(DBInstanceClassMemory / 9531392, 5000)</c>
/// (Aurora User Guide, "Maximum connections to an Aurora PostgreSQL DB instance"). Serverless v2 takes the memory of its
/// maximum capacity, at least 189 connections per ACU (the guide's table: 189 at 1 ACU, 3,360 at 16), and at most 2,000
/// while the minimum capacity is 0.5 ACU or less. A provisioned class is reckoned at 84 % of its memory (what 1 ACU's
/// 2 GiB gives); classes not listed need <c>databaseMaxConnections</c>.
/// </remarks>
public static partial class DatabaseConnections
{
    /// <summary>A fifth of the server's connections stay free for migrations, operators and a rolling deployment's overlap.</summary>
    private const double ApplicationShare = 0.8;

    public static int MaxConnections(TodoAwsOptions options)
    {
        if (options.DatabaseMaxConnections is { } configured)
        {
            return configured;
        }
        if (options.DatabaseMode == DatabaseMode.Serverless)
        {
            return Math.Min((int)(189 * options.DatabaseMaxCapacity), options.DatabaseMinCapacity <= 0.5 ? 2000 : 5000);
        }
        var memoryGiB = MemoryGiB(options.DatabaseInstanceClass)
            ?? throw new DeploymentRefusedException($"The connection limit of db.{options.DatabaseInstanceClass} is not known here; set context databaseMaxConnections.");
        return Math.Min((int)(memoryGiB * 0.84 * 1024 * 1024 * 1024 / 9531392), 5000);
    }

    /// <summary>The most connections a task opens: beyond it a task gains nothing, and a hung database holds a thread per connection.</summary>
    public const int MaxPoolSizePerTask = 32;

    /// <summary>Each task's pool, so that every task of every service that uses the database fits at full scale.</summary>
    public static int PoolSizePerTask(TodoAwsOptions options, int services) =>
        Math.Clamp((int)(ApplicationShare * MaxConnections(options) / (options.MaxTasks * Math.Max(1, services))), 1, MaxPoolSizePerTask);

    private static double? MemoryGiB(string instanceClass)
    {
        if (InstanceClass().Match(instanceClass) is not { Success: true } match)
        {
            return null;
        }
        var size = match.Groups["size"].Value;
        double? multiple = size switch
        {
            "medium" => 0.5,
            "large" => 1,
            "xlarge" => 2,
            _ when size.EndsWith("xlarge", StringComparison.Ordinal) => 2 * int.Parse(size[..^6], System.Globalization.CultureInfo.InvariantCulture),
            _ => null,
        };
        double? perLarge = match.Groups["family"].Value switch
        {
            "t3" or "t4g" => 8,
            "r5" or "r6g" or "r6i" or "r7g" or "r7i" or "r8g" => 16,
            "x2g" => 32,
            _ => null,
        };
        return multiple * perLarge;
    }

    [GeneratedRegex(@"^(?<family>[a-z0-9]+)\.(?<size>medium|large|[0-9]*xlarge)$")]
    private static partial Regex InstanceClass();
}
