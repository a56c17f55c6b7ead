using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Todo.Testing;

/// <summary>
/// Todo.Api as an operating-system process of its own on 127.0.0.1: what a SIGKILL can hit, and what the benchmark
/// measures without a test host in the same process.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private ApiProcess(Process process, ConcurrentQueue<string> output, Uri baseAddress, TimeSpan startup)
    {
        _process = process;
        _output = output;
        BaseAddress = baseAddress;
        StartupTime = startup;
        Client = TestTokens.Shared.Client(baseAddress, TestTokens.DefaultUser);
    }

    /// <summary>What ASP.NET Core logs once the server listens, followed by the address.</summary>
    private const string ListeningOn = "Now listening on: ";

    /// <summary>The API the tests built, in the configuration they were built in.</summary>
    public static string BuiltApi => Path.Combine(Repository.Root, "Todo.Api", "bin", Repository.BuildConfiguration, Repository.TargetFramework, "Todo.Api.dll");

    public Uri BaseAddress { get; }

    /// <summary>A client with a token of <see cref="TestTokens.DefaultUser"/>.</summary>
    public HttpClient Client { get; }

    /// <summary>What the process has printed so far, standard output and error.</summary>
    public IReadOnlyCollection<string> Output => _output;

    /// <summary>From starting the process to its first 200 on the path it was probed at (<c>GET /</c> unless told).</summary>
    public TimeSpan StartupTime { get; }

    /// <summary>The most memory the process has held (VmHWM), in MiB.</summary>
    public double PeakRssMiB => StatusMiB("VmHWM:");

    /// <summary>Makes <see cref="PeakRssMiB"/> count from now: the kernel's high-water mark is set back to the current RSS.</summary>
    public void ResetPeakRss() => File.WriteAllText($"/proc/{_process.Id}/clear_refs", "5");

    /// <summary>The memory the process holds now (VmRSS), in MiB.</summary>
    public double RssMiB => StatusMiB("VmRSS:");

    private double StatusMiB(string field) => double.Parse(
        File.ReadLines($"/proc/{_process.Id}/status").First(line => line.StartsWith(field, StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;

    /// <summary>
    /// Starts <paramref name="apiDll"/> with <paramref name="settings"/> as environment (after the settings that accept
    /// <see cref="TestTokens.Shared"/>'s tokens, unless <paramref name="acceptTestTokens"/> is false), behind
    /// <paramref name="launcher"/> if given (<c>taskset -c 0</c>, say), and returns once <paramref name="probePath"/>
    /// answers 200 to <paramref name="probeToken"/> (a token of <see cref="TestTokens.DefaultUser"/> unless given).
    /// <paramref name="onOutput"/> sees each line of standard output as it is written, before the API listens.
    /// </summary>
    public static async Task<ApiProcess> StartAsync(
        string apiDll, IReadOnlyDictionary<string, string> settings, IReadOnlyList<string>? launcher = null, string probePath = "/",
        bool acceptTestTokens = true, string? probeToken = null, Action<string>? onOutput = null)
    {
        // The listening line's category has dots: as an environment variable a launcher's shell would drop its name.
        string[] command = [.. launcher ?? [], .. Command(apiDll), "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information"];
        var startInfo = new ProcessStartInfo(command[0], command[1..])
        {
            WorkingDirectory = Path.GetDirectoryName(apiDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Port 0: the kernel picks a free port as the server binds, and the server says which.
        startInfo.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        startInfo.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in (acceptTestTokens ? TestTokens.Shared.ApiSettings : new Dictionary<string, string>()).Concat(settings))
        {
            startInfo.Environment[EnvironmentVariable(name)] = value;
        }

        var clock = Stopwatch.StartNew();
        var process = Process.Start(startInfo)!;
        var output = new ConcurrentQueue<string>();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, line) =>
        {
            output.Enqueue(line.Data ?? "");
            onOutput?.Invoke(line.Data ?? "");
            if (line.Data?.IndexOf(ListeningOn, StringComparison.Ordinal) is >= 0 and var at)
            {
                listening.TrySetResult(new Uri(line.Data[(at + ListeningOn.Length)..].Trim()));
            }
        };
        process.ErrorDataReceived += (_, line) => output.Enqueue(line.Data ?? "");
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => listening.TrySetCanceled();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var baseAddress = await listening.Task.WaitAsync(TimeSpan.FromMinutes(2));
            using var probe = TestTokens.Shared.Client(baseAddress, TestTokens.DefaultUser);
            probe.Timeout = TimeSpan.FromSeconds(1);
            if (probeToken is not null)
            {
                probe.DefaultRequestHeaders.Authorization = new("Bearer", probeToken);
            }
            while (clock.Elapsed < TimeSpan.FromMinutes(2) && !process.HasExited)
            {
                try
                {
                    using var response = await probe.GetAsync(probePath);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return new ApiProcess(process, output, baseAddress, clock.Elapsed);
                    }
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                }
                await Task.Delay(5);
            }
        }
        catch (Exception exception) when (exception is TimeoutException or TaskCanceledException)
        {
        }

        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException($"The API did not answer GET {probePath} (exited: {process.HasExited}): {string.Join('\n', output.TakeLast(20))}");
    }

    /// <summary>The environment variable that sets configuration key <paramref name="key"/> (<c>a:b</c> is <c>a__b</c>).</summary>
    public static string EnvironmentVariable(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>
    /// A self-contained publish carries its runtime: it starts through its own executable, as in its container. A build
    /// runs on the installed runtime, through <c>dotnet</c>.
    /// </summary>
    private static string[] Command(string apiDll) =>
        File.Exists(Path.Combine(Path.GetDirectoryName(apiDll)!, "libcoreclr.so")) ? [Path.ChangeExtension(apiDll, null)] : ["dotnet", apiDll];

    /// <summary>SIGKILL: no shutdown, no flushing, no goodbye; returns once the kernel has reaped it and closed its sockets.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>SIGTERM, as ECS stops a task, and the exit code once the process has shut down.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeLimit)
    {
        using (var signal = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }
        await _process.WaitForExitAsync().WaitAsync(timeLimit);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        // A process the kernel cannot reap within this is a fault of the machine, reported rather than waited on forever.
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
    }
}
