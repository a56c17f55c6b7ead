namespace Todo.Hosting.LocalServices;

/// <summary>Files that hold secrets.</summary>
public static class FilePermissions
{
    /// <summary>Writes a file that only its owner can read, from the moment it exists.</summary>
    public static async Task WriteSecretFileAsync(string path, string contents, CancellationToken cancellationToken)
    {
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(path, options);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(contents.AsMemory(), cancellationToken);
    }
}
