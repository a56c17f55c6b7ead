using System.Text;

namespace Todo.Hosting.LocalServices;

public static class UnixSocket
{
    /// <summary>The longest path a Unix socket can have on Linux (<c>sun_path</c> holds 108 bytes with the terminator).</summary>
    public const int MaxPathBytes = 107;

    public static void EnsureFits(string path)
    {
        if (Encoding.UTF8.GetByteCount(path) > MaxPathBytes)
        {
            throw new InvalidOperationException(
                $"The socket path '{path}' is longer than the {MaxPathBytes} bytes a Unix socket allows: set {LocalDataDirectory.ConfigurationKey} to a shorter directory.");
        }
    }
}
