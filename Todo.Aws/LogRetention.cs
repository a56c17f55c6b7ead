using Amazon.CDK;
using Amazon.CDK.AWS.Logs;
using Constructs;

namespace Todo.Aws;

/// <summary>
/// The retention periods CloudWatch Logs accepts (<c>AWS::Logs::LogGroup</c> RetentionInDays), by days, and the log
/// groups of this deployment: kept <c>logRetentionDays</c>, deleted with their stack.
/// </summary>
public static class LogRetention
{
    private static readonly SortedDictionary<int, RetentionDays> s_periods = new()
    {
        [1] = RetentionDays.ONE_DAY, [3] = RetentionDays.THREE_DAYS, [5] = RetentionDays.FIVE_DAYS,
        [7] = RetentionDays.ONE_WEEK, [14] = RetentionDays.TWO_WEEKS, [30] = RetentionDays.ONE_MONTH,
        [60] = RetentionDays.TWO_MONTHS, [90] = RetentionDays.THREE_MONTHS, [120] = RetentionDays.FOUR_MONTHS,
        [150] = RetentionDays.FIVE_MONTHS, [180] = RetentionDays.SIX_MONTHS, [365] = RetentionDays.ONE_YEAR,
        [400] = RetentionDays.THIRTEEN_MONTHS, [545] = RetentionDays.EIGHTEEN_MONTHS, [731] = RetentionDays.TWO_YEARS,
        [1096] = RetentionDays.THREE_YEARS, [1827] = RetentionDays.FIVE_YEARS, [2192] = RetentionDays.SIX_YEARS,
        [2557] = RetentionDays.SEVEN_YEARS, [2922] = RetentionDays.EIGHT_YEARS, [3288] = RetentionDays.NINE_YEARS,
        [3653] = RetentionDays.TEN_YEARS,
    };

    public static IEnumerable<int> Days => s_periods.Keys;

    public static bool IsValid(int days) => s_periods.ContainsKey(days);

    public static RetentionDays Of(TodoAwsOptions options) => s_periods[options.LogRetentionDays];

    /// <summary>A log group of this deployment, named <paramref name="name"/> or by CloudFormation.</summary>
    public static LogGroup Group(Construct scope, string id, TodoAwsOptions options, string? name = null) => new(scope, id, new LogGroupProps
    {
        LogGroupName = name,
        Retention = Of(options),
        RemovalPolicy = RemovalPolicy.DESTROY,
    });
}
