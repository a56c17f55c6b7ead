using System.Diagnostics;

namespace Todo.Hosting.LocalServices;

/// <summary>
/// Runs a program to completion: the one way the AppHost (initdb, chown, docker info), the tests and the benchmark run
/// one. The AppHost gives absolute paths; a bare name is looked up on <c>PATH</c>.
/// </summary>
public static class ExternalCommand
{
    public static bool Succeeds(string fileName, IEnumerable<string> arguments, TimeSpan timeout)
    {
        try
        {
            return Run(fileName, arguments, timeout).ExitCode == 0;
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// Runs the program, feeding it <paramref name="standardInput"/> if given, and throws when it fails: with what it
    /// printed, unless it was given input, which it may echo and which may be secret.
    /// </summary>
    public static void RunOrThrow(string fileName, IEnumerable<string> arguments, TimeSpan timeout, string? standardInput = null)
    {
        var result = Run(fileName, arguments, timeout, standardInput);
        if (result.ExitCode != 0)
        {
            var output = standardInput is null ? $": {result.Output.Trim()}" : ".";
            throw new InvalidOperationException(
                $"'{fileName} {string.Join(' ', arguments)}' failed with exit code {result.ExitCode}{output}");
        }
    }

    /// <summary>For callers that cannot wait asynchronously (the model is built synchronously); see <see cref="RunAsync"/>.</summary>
    public static (int ExitCode, string Output) Run(string fileName, IEnumerable<string> arguments, TimeSpan timeout, string? standardInput = null) =>
        RunAsync(fileName, arguments, timeout, standardInput: standardInput).GetAwaiter().GetResult();

    /// <summary>
    /// Runs the program within <paramref name="timeout"/> (then kills it and throws <see cref="TimeoutException"/>) and
    /// returns its exit code with what it printed: standard output, then standard error; with
    /// <paramref name="standardOutputOnly"/>, standard output alone unless it failed.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout,
        string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null, string? standardInput = null,
        bool standardOutputOnly = false)
    {
        var startInfo = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory ?? "",
            RedirectStandardInput = standardInput is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start '{fileName}'.");
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
            process.StandardInput.Close();
        }
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{fileName}' did not finish within {timeout.TotalSeconds} s.");
        }
        return (process.ExitCode, standardOutputOnly && process.ExitCode == 0 ? await output : await output + await error);
    }
}
