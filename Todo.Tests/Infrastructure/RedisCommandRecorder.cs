using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace Todo.Tests.Infrastructure;

/// <summary>
/// A relay on 127.0.0.1 between Redis clients and a Redis server that records every command the clients send, whole,
/// in the order it passes: what a client really sends, including commands the test's own Redis does not know and so
/// never logs or refuses by name.
/// </summary>
public sealed class RedisCommandRecorder : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly EndPoint _server;
    private readonly ConcurrentQueue<byte[][]> _commands = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private RedisCommandRecorder(string serverConnectionString)
    {
        var options = ConfigurationOptions.Parse(serverConnectionString);
        _server = Assert.Single(options.EndPoints);
        _listener.Start();
        var port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        options.EndPoints.Clear();
        options.EndPoints.Add(IPAddress.Loopback, port);
        ConnectionString = options.ToString(includePassword: true);
        _accepting = AcceptAsync();
    }

    /// <summary>The server's connection string with this relay as its endpoint.</summary>
    public string ConnectionString { get; }

    /// <summary>Each command sent so far, as its arguments (the command's name first).</summary>
    public IReadOnlyList<byte[][]> Commands => [.. _commands];

    public static RedisCommandRecorder Start(string serverConnectionString) => new(serverConnectionString);

    private async Task AcceptAsync()
    {
        var relays = new List<Task>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                relays.Add(RelayAsync(client));
            }
        }
        catch (OperationCanceledException)
        {
        }
        await Task.WhenAll(relays);
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var _ = client;
        using var server = _server is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await server.ConnectAsync(_server, _stop.Token);
            await using var toServer = new NetworkStream(server, ownsSocket: false);
            var fromClient = new BufferedStream(client.GetStream());
            var replies = toServer.CopyToAsync(client.GetStream(), _stop.Token);
            while (await ReadCommandAsync(fromClient) is { } command)
            {
                _commands.Enqueue(command.Arguments);
                await toServer.WriteAsync(command.Raw, _stop.Token);
            }
            await replies;
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A connection closed by either side, or by the end of the test.
        }
    }

    /// <summary>One command in RESP's request form, an array of bulk strings; null when the client has closed.</summary>
    private async Task<(byte[][] Arguments, byte[] Raw)?> ReadCommandAsync(Stream stream)
    {
        var raw = new MemoryStream();
        if (await ReadLineAsync(stream, raw) is not { } header)
        {
            return null;
        }
        if (!header.StartsWith('*'))
        {
            throw new InvalidDataException($"A Redis client sent '{header}', not a command array.");
        }
        var arguments = new byte[int.Parse(header[1..], System.Globalization.CultureInfo.InvariantCulture)][];
        for (var index = 0; index < arguments.Length; index++)
        {
            var length = await ReadLineAsync(stream, raw) ?? throw new EndOfStreamException();
            var value = new byte[int.Parse(length[1..], System.Globalization.CultureInfo.InvariantCulture) + 2];
            await stream.ReadExactlyAsync(value, _stop.Token);
            raw.Write(value);
            arguments[index] = value[..^2];
        }
        return (arguments, raw.ToArray());
    }

    private async Task<string?> ReadLineAsync(Stream stream, MemoryStream raw)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (await stream.ReadAsync(one, _stop.Token) == 1)
        {
            raw.WriteByte(one[0]);
            if (one[0] == '\n' && line.Length > 0 && line[^1] == '\r')
            {
                return line.ToString(0, line.Length - 1);
            }
            line.Append((char)one[0]);
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
