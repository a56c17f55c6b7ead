using System.Diagnostics;

namespace Todo.AppHost.LocalServices;

/// <summary>Runs short-lived helper programs (initdb, chown, docker info) to completion, by the absolute paths they are given.</summary>
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

    /// <summary>Runs the program and returns its exit code with what it printed (standard output, then standard error).</summary>
    public static (int ExitCode, string Output) Run(string fileName, IEnumerable<string> arguments, TimeSpan timeout, string? standardInput = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = standardInput is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start '{fileName}'.");
        if (standardInput is not null)
        {
            process.StandardInput.Write(standardInput);
            process.StandardInput.Close();
        }
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{fileName}' did not finish within {timeout.TotalSeconds} s.");
        }

        return (process.ExitCode, output.Result + error.Result);
    }
}
