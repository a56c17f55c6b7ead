using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Todo.Tests.AppHost;

/// <summary>
/// Debian's packages start system services that the AppHost never uses: eng/install-local-servers.sh stops what it
/// installed, so no open Redis and no second PostgreSQL is left behind on the machine.
/// </summary>
[Trait("Category", "AppHost")]
public sealed class InstalledServicesTests
{
    /// <summary>Debian's services write their pid files here (PostgreSQL one per cluster, such as 15-main.pid).</summary>
    [Theory]
    [InlineData("/run/redis")]
    [InlineData("/run/postgresql")]
    public void No_system_service_of_a_Debian_package_is_running(string pidDirectory)
    {
        var pidFiles = Directory.Exists(pidDirectory) ? Directory.EnumerateFiles(pidDirectory, "*.pid") : [];

        var running = pidFiles.Where(file => int.TryParse(File.ReadLines(file).FirstOrDefault()?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            && Directory.Exists($"/proc/{pid}"));

        Assert.Empty(running);
    }

    [Fact]
    public async Task Nothing_on_the_default_Redis_port_answers_without_a_password()
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", 6379);
        }
        catch (SocketException)
        {
            return; // nothing listens
        }

        var stream = client.GetStream();
        stream.ReadTimeout = 2_000;
        await stream.WriteAsync("PING\r\n"u8.ToArray());
        var reply = new byte[256];
        var read = await stream.ReadAsync(reply).AsTask().WaitAsync(TimeSpan.FromSeconds(2));

        Assert.DoesNotContain("+PONG", Encoding.ASCII.GetString(reply, 0, read), StringComparison.Ordinal);
    }
}
