using System.Security.Cryptography;
using Todo.Hosting.LocalServices;

namespace Todo.Tests.Infrastructure;

/// <summary>The npm packages of a folder of eng/, exactly as its lock file names them, installed again only when the lock file changes.</summary>
public static class NpmPackages
{
    private static readonly SemaphoreSlim s_install = new(1, 1);

    /// <summary>Installs the packages of eng/<paramref name="folder"/> if needed, and returns the folder's path.</summary>
    public static async Task<string> InstallAsync(string folder)
    {
        var directory = Path.Combine(Repository.Root, "eng", folder);
        await s_install.WaitAsync();
        try
        {
            var lockHash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(directory, "package-lock.json"))));
            var stamp = Path.Combine(directory, "node_modules", ".installed-lock-hash");
            if (File.Exists(stamp) && File.ReadAllText(stamp) == lockHash)
            {
                return directory;
            }
            var (exitCode, output) = await ExternalCommand.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(10), directory);
            Assert.True(exitCode == 0, $"npm ci in eng/{folder} failed: {output}");
            await File.WriteAllTextAsync(stamp, lockHash);
            return directory;
        }
        finally
        {
            s_install.Release();
        }
    }
}
