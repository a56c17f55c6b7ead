using System.Text.Json;
using Todo.Hosting.LocalServices;
using Todo.Aws.Stacks;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Aws;

/// <summary>
/// On AWS the API verifies the database's certificate and name (VerifyFull) against Amazon RDS's certificate
/// authorities, which the image carries where the connection string says: eng/publish-image.sh downloads them and
/// refuses to build without them, and the project file puts them in the image's working directory.
/// </summary>
[Trait("Category", "Aws")]
[Trait("Category", "Slow")]
public sealed class DatabaseCertificateTests
{
    [Fact]
    public async Task The_bundle_the_publish_script_downloads_lands_where_the_connection_string_looks_for_it()
    {
        var bundle = Path.Combine(Path.GetTempPath(), $"rds-ca-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(bundle, "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        try
        {
            var (exitCode, output) = await ExternalCommand.RunAsync("dotnet",
                ["msbuild", Path.Combine(Repository.Root, "Todo.Api", "Todo.Api.csproj"), "-getItem:None", $"-p:DatabaseCaBundle={bundle}"],
                TimeSpan.FromMinutes(2), Repository.Root, standardOutputOnly: true);

            Assert.True(exitCode == 0, output);
            var items = JsonDocument.Parse(output).RootElement.GetProperty("Items").GetProperty("None").EnumerateArray()
                .Where(item => item.GetProperty("FullPath").GetString() == bundle).ToList();
            var item = Assert.Single(items);
            Assert.Equal(Path.GetFileName(DatabaseStack.CertificateAuthorities), item.GetProperty("Link").GetString());
            Assert.Equal("PreserveNewest", item.GetProperty("CopyToPublishDirectory").GetString());
            Assert.StartsWith("/app/", DatabaseStack.CertificateAuthorities);
        }
        finally
        {
            File.Delete(bundle);
        }
    }

    [Fact]
    public void The_publish_script_downloads_the_global_bundle_over_https_checks_it_and_passes_it_to_the_build()
    {
        var script = File.ReadAllText(Path.Combine(Repository.Root, "eng", "publish-image.sh"));

        Assert.Contains("--proto '=https' --tlsv1.2 -o \"$bundle\" https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem", script);
        Assert.Contains("-p:DatabaseCaBundle=\"$bundle\"", script);
        Assert.Contains("not building", script);
        Assert.Contains("set -euo pipefail", script);
    }
}
