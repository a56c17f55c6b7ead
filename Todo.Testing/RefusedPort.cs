using System.Net;
using System.Net.Sockets;

namespace Todo.Testing;

/// <summary>
/// A loopback port where nothing listens while this is held: bound and never listened on, so the kernel refuses every
/// connection to it and no other process can take it meanwhile. For addresses a test needs to be unreachable.
/// </summary>
public sealed class RefusedPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public RefusedPort()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public void Dispose() => _socket.Dispose();
}
