using System.Diagnostics;

namespace Todo.Tests.Infrastructure;

public static class ExternalProcess
{
    /// <summary>
    /// Runs a command to completion within <paramref name="timeout"/>; returns its exit code and everything it printed
    /// (with <paramref name="standardOutputOnly"/>, its standard output alone unless it failed).
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments,
        string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null, bool standardOutputOnly = false)
    {
        var startInfo = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, standardOutputOnly && process.ExitCode == 0 ? await output : await output + await error);
    }
}
