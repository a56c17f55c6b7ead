using System.Buffers;

namespace Todo.SharedOutputCache;

/// <summary>
/// Passes a response body through to the client and keeps a copy of it, up to <paramref name="limit"/> bytes (beyond,
/// the copy is dropped and the response is not cached). <paramref name="starting"/> runs before the first byte or flush
/// goes out, while the headers are still those the endpoint set.
/// </summary>
internal sealed class ResponseBodyCapture(Stream inner, long limit, Action starting) : Stream
{
    private ArrayBufferWriter<byte>? _copy = new();
    private bool _started;

    /// <summary>The body as written, or empty with false when it outgrew the limit.</summary>
    public bool TryGetBody(out ReadOnlyMemory<byte> body)
    {
        body = _copy?.WrittenMemory ?? default;
        return _copy is not null;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Keep(buffer);
        inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Keep(buffer.Span);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush()
    {
        Start();
        inner.Flush();
    }

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        Start();
        return inner.FlushAsync(cancellationToken);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Runs <c>starting</c> if nothing was written, so an empty response has its headers taken too.</summary>
    public void Finish() => Start();

    private void Keep(ReadOnlySpan<byte> buffer)
    {
        Start();
        if (_copy is null)
        {
            return;
        }
        if (_copy.WrittenCount + buffer.Length > limit)
        {
            _copy = null;
            return;
        }
        _copy.Write(buffer);
    }

    private void Start()
    {
        if (!_started)
        {
            _started = true;
            starting();
        }
    }
}
