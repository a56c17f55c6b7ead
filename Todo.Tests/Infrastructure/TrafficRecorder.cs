using System.Collections.Concurrent;
using System.Diagnostics;

namespace Todo.Tests.Infrastructure;

/// <summary>One request of a load run: when it started, what it was, how it ended, how long it took, whether a cache answered.</summary>
public sealed record Sample(TimeSpan At, string Kind, int Status, TimeSpan Latency, bool FromCache = false);

/// <summary>Steady traffic from several workers, every request recorded, until stopped.</summary>
public sealed class TrafficRecorder
{
    private readonly ConcurrentQueue<Sample> _samples = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyList<Sample> Samples => [.. _samples];

    /// <summary>Runs <paramref name="workers"/> loops of <paramref name="request"/> until <paramref name="stop"/> fires.</summary>
    public Task RunAsync(int workers, Func<int, Task<(string Kind, int Status)>> request, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var started = _clock.Elapsed;
                var (kind, status) = await Safely(() => request(worker));
                _samples.Enqueue(new Sample(started, kind, status, _clock.Elapsed - started));
            }
        })));

    public static double Percentile(IEnumerable<Sample> samples, double percentile)
    {
        var sorted = samples.Select(sample => sample.Latency.TotalMilliseconds).Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percentile / 100 * sorted.Length) - 1)];
    }

    /// <summary>A request that could not complete is status 0, never an exception that stops the worker.</summary>
    private static async Task<(string Kind, int Status)> Safely(Func<Task<(string Kind, int Status)>> request)
    {
        try
        {
            return await request();
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return ("failed", 0);
        }
    }
}
