using System.Net;
using System.Net.Sockets;

namespace Todo.Testing;

/// <summary>Asks the kernel for a loopback port nobody uses at the moment: for API processes, and for addresses where nothing listens.</summary>
public static class FreePort
{
    public static int OnLoopback()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
