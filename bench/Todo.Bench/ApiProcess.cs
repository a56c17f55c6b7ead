using System.Diagnostics;
using System.Net;
using Todo.AppHost.LocalServices;

namespace Todo.Bench;

/// <summary>The published API, started as a plain process on 127.0.0.1 and pinned to core 0.</summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ApiProcess(Process process, Uri baseAddress, TimeSpan startup)
    {
        _process = process;
        BaseAddress = baseAddress;
        StartupTime = startup;
    }

    public Uri BaseAddress { get; }

    /// <summary>From starting the process to its first 200 on <c>GET /</c>.</summary>
    public TimeSpan StartupTime { get; }

    /// <summary>The most memory the process has held (VmHWM), in MiB.</summary>
    public double PeakRssMiB =>
        File.ReadLines($"/proc/{_process.Id}/status").First(line => line.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1] is var kilobytes ? double.Parse(kilobytes) / 1024 : 0;

    public static async Task<ApiProcess> StartAsync(string apiDll, string todos, string cache, bool outputCaching)
    {
        var port = FreePort.OnLoopback();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var (fileName, arguments) = Cores.Pinned(0, "dotnet", [apiDll]);
        var startInfo = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = Path.GetDirectoryName(apiDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ASPNETCORE_URLS"] = baseAddress.ToString(),
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["ConnectionStrings__todos"] = todos,
                ["ConnectionStrings__cache"] = cache,
                ["OutputCache__Enabled"] = outputCaching ? "true" : "false",
                ["Logging__LogLevel__Default"] = "Warning",
            },
        };

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var clock = Stopwatch.StartNew();
        var process = Process.Start(startInfo)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) { Console.Error.WriteLine($"  api: {line.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        while (clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The API exited with code {process.ExitCode} while starting.");
            }
            try
            {
                using var response = await client.GetAsync(baseAddress);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return new ApiProcess(process, baseAddress, clock.Elapsed);
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(5);
        }
        process.Kill();
        throw new TimeoutException("The API did not answer GET / within two minutes.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
