namespace Todo.Aws;

/// <summary>
/// The CPU and memory pairs a Fargate task may have (Amazon ECS Developer Guide, "Task definition parameters",
/// Task size): any other pair is refused when the task definition is registered, after the stacks below it deployed.
/// </summary>
public static class FargateTaskSizes
{
    // CPU units → (smallest MiB, largest MiB, step MiB).
    private static readonly Dictionary<int, (int Min, int Max, int Step)> s_memory = new()
    {
        [256] = (512, 2048, 512),
        [512] = (1024, 4096, 1024),
        [1024] = (2048, 8192, 1024),
        [2048] = (4096, 16384, 1024),
        [4096] = (8192, 30720, 1024),
        [8192] = (16384, 61440, 4096),
        [16384] = (32768, 122880, 8192),
    };

    public static bool IsValid(int cpu, int memoryMiB) =>
        s_memory.TryGetValue(cpu, out var memory)
        && memoryMiB >= memory.Min && memoryMiB <= memory.Max && (memoryMiB - memory.Min) % memory.Step == 0
        && (cpu != 256 || memoryMiB != 1536);

    public static string Describe(int cpu) => s_memory.TryGetValue(cpu, out var memory)
        ? cpu == 256 ? "256 CPU units with 512, 1024 or 2048 MiB" : $"{cpu} CPU units with {memory.Min} to {memory.Max} MiB in steps of {memory.Step}"
        : $"CPU units are one of {string.Join(", ", s_memory.Keys)}";
}
