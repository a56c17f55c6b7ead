using System.Globalization;

namespace Todo.Bench;

/// <summary>How long and how hard each measurement runs; <c>--smoke</c> makes a few-second run that only proves the harness works.</summary>
public sealed record BenchOptions(TimeSpan Duration, TimeSpan WarmUp, TimeSpan Sustained, int Connections, int LargeTableRows, bool Smoke,
    string ResultsDirectory, IReadOnlyDictionary<string, string> ApiSettings)
{
    public static BenchOptions Parse(string[] args, string repositoryRoot)
    {
        var smoke = args.Contains("--smoke");
        TimeSpan Seconds(string name, double normal, double forSmoke) =>
            TimeSpan.FromSeconds(Value(args, name) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : smoke ? forSmoke : normal);
        return new BenchOptions(
            Duration: Seconds("--duration", 10, 1),
            // Long enough for tiered compilation to finish optimizing the hot paths on one busy core.
            WarmUp: Seconds("--warmup", 10, 1),
            // The mixed load under which memory must level off.
            Sustained: Seconds("--sustained", 120, 4),
            Connections: 64,
            LargeTableRows: Value(args, "--large-rows") is { } rows ? int.Parse(rows, CultureInfo.InvariantCulture) : smoke ? 20_000 : 1_000_000,
            Smoke: smoke,
            ResultsDirectory: Value(args, "--results") ?? Path.Combine(repositoryRoot, "bench", smoke ? ".work/results" : "results"),
            // --api NAME=VALUE (repeatable): configuration or environment for the API process, to measure a knob.
            ApiSettings: args.Select((arg, index) => arg == "--api" && index + 1 < args.Length ? args[index + 1] : null)
                .OfType<string>()
                .Select(setting => setting.Split('=', 2))
                .ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : ""));
    }

    private static string? Value(string[] args, string name) =>
        Array.IndexOf(args, name) is var index and >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
