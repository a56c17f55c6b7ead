using System.Diagnostics;

namespace Todo.Tests.Infrastructure;

/// <summary>Waits for a condition that becomes true by itself, checking every <paramref name="interval"/> for at most <paramref name="limit"/>.</summary>
public static class Poll
{
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan limit, TimeSpan? interval = null)
    {
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < limit; await Task.Delay(interval ?? TimeSpan.FromMilliseconds(50)))
        {
            if (await condition())
            {
                return true;
            }
        }
        return await condition();
    }

    public static Task<bool> UntilAsync(Func<bool> condition, TimeSpan limit, TimeSpan? interval = null) =>
        UntilAsync(() => Task.FromResult(condition()), limit, interval);
}
