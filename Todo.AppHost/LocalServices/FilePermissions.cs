namespace Todo.AppHost.LocalServices;

/// <summary>Unix permissions for files that hold secrets and directories the postgres account must enter.</summary>
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

    public static void TraversableByOthers(string directory)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, File.GetUnixFileMode(directory) | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
    }
}
