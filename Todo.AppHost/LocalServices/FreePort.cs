using System.Net;
using System.Net.Sockets;

namespace Todo.AppHost.LocalServices;

/// <summary>Asks the kernel for a loopback port nobody uses, for servers that listen without Aspire's proxy.</summary>
public static class FreePort
{
    public static int OnLoopback()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
