using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.UserSecrets;
using Microsoft.Extensions.FileProviders;

namespace Todo.Api.Identity;

/// <summary>
/// In Development, the key <c>dotnet user-jwts</c> signs local tokens with exists before the API reads its bearer
/// settings, so the first token made after the API started is accepted without a restart. The tool signs with the key
/// it finds in the project's user secrets for its issuer and makes one only when there is none; the host reads user
/// secrets only from a directory that existed when it started; and the bearer handler reads its keys from the live
/// configuration, so a key the tool resets later is used as soon as the file is read again.
/// </summary>
public static class LocalSigningKey
{
    /// <summary>The issuer <c>dotnet user-jwts</c> puts in its tokens unless told otherwise.</summary>
    public const string Issuer = "dotnet-user-jwts";

    /// <summary>Where the tool keeps its keys: one flat property of the user-secrets file, an array of keys.</summary>
    public const string Property = $"{BearerSettings.Section}:SigningKeys";

    private const int KeyBytes = 32;

    private const string SecretsFileName = "secrets.json";

    /// <summary>
    /// Makes the key in the user secrets when Development has no keys and no authority to find them, and has the configuration
    /// read the user secrets where they now are.
    /// </summary>
    public static void AddLocalSigningKey(this IHostApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment()
            || BearerSettings.HasKeySource(builder.Configuration)
            || Assembly.Load(new AssemblyName(builder.Environment.ApplicationName)).GetCustomAttribute<UserSecretsIdAttribute>() is not { } secrets)
        {
            return;
        }
        var file = PathHelper.GetSecretsPathFromSecretsId(secrets.UserSecretsId);
        Write(file);

        var sources = builder.Configuration.Sources;
        var index = sources.ToList().FindIndex(source => source is JsonConfigurationSource { Path: SecretsFileName });
        if (index >= 0 && sources[index] is JsonConfigurationSource host)
        {
            // Replacing the source rebuilds the configuration at once, from a provider that watches the real directory.
            sources[index] = new JsonConfigurationSource
            {
                FileProvider = new PhysicalFileProvider(Path.GetDirectoryName(file)!),
                Path = SecretsFileName,
                Optional = host.Optional,
                ReloadOnChange = host.ReloadOnChange,
            };
        }
    }

    /// <summary>Adds a key for <see cref="Issuer"/> to the file, keeping what else it holds, as the tool itself would.</summary>
    private static void Write(string file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var secrets = File.Exists(file) && new FileInfo(file).Length > 0
            ? JsonNode.Parse(File.ReadAllText(file))?.AsObject() ?? []
            : [];
        var key = new JsonObject
        {
            ["Id"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)),
            ["Issuer"] = Issuer,
            ["Value"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes)),
            ["Length"] = KeyBytes,
        };
        if (secrets[Property] is JsonArray keys)
        {
            keys.Add(key);
        }
        else
        {
            secrets[Property] = new JsonArray(key);
        }
        // Written whole, then renamed over the file, readable by its owner only: a watcher never reads half a file.
        var written = file + ".new";
        File.WriteAllText(written, secrets.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(written, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.Move(written, file, overwrite: true);
    }
}
