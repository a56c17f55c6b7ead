namespace Todo.Bench;

/// <summary>The API's resident memory, once a second, through one long run of load.</summary>
public sealed record MemoryTimeline(WrkResult Load, IReadOnlyList<double> RssMB, double PeakRssMB)
{
    /// <summary>Levelled off: the second half of the run never held more than 5 % above the first half's peak.</summary>
    public bool LevelsOff => RssMB.Count >= 2 && RssMB.Skip(RssMB.Count / 2).Max() <= 1.05 * RssMB.Take(RssMB.Count / 2).Max();

    public static async Task<MemoryTimeline> MeasureAsync(ApiProcess api, Func<Task<WrkResult>> load)
    {
        var samples = new List<double>();
        var running = load();
        while (!running.IsCompleted)
        {
            samples.Add(api.RssMiB * 1.048576);
            await Task.WhenAny(running, Task.Delay(TimeSpan.FromSeconds(1)));
        }
        return new MemoryTimeline(await running, samples, api.PeakRssMiB * 1.048576);
    }
}
