using System.Buffers;

namespace Daedalus.Queues;

/// <summary>
/// A write-then-read buffer on a pool of its own: envelopes of a few MB are serialized, compressed and decompressed
/// into rented arrays, returned on dispose, instead of a new large-object-heap array (and the copies of a growing
/// MemoryStream) per batch, which only a full GC reclaims. Not thread-safe.
/// </summary>
public sealed class PooledBufferStream : Stream
{
    // Not ArrayPool.Shared: it keeps up to 8 arrays per size per core plus one per thread, and a buffer grown by
    // doubling touches every size from 64 KB to a few MB, so the shared pool held tens of MB of idle envelope buffers
    // (the queue path's peak swung 281-366 MB with it). This pool keeps at most 4 arrays per size; larger requests
    // than 64 MB are plain allocations.
    private static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(maxArrayLength: 64 * 1024 * 1024, maxArraysPerBucket: 4);

    private byte[] _buffer;
    private int _length;

    public PooledBufferStream(int capacity)
    {
        _buffer = Pool.Rent(Math.Max(capacity, 4096));
    }

    /// <summary>The bytes written so far; valid until the next write or dispose.</summary>
    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_length + buffer.Length > _buffer.Length)
        {
            var larger = Pool.Rent(Math.Max(_length + buffer.Length, _buffer.Length * 2));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            Pool.Return(_buffer);
            _buffer = larger;
        }

        buffer.CopyTo(_buffer.AsSpan(_length));
        _length += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>Reads <paramref name="source"/> to its end into this buffer.</summary>
    public async Task FillAsync(Stream source, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_length == _buffer.Length)
            {
                var larger = Pool.Rent(_buffer.Length * 2);
                _buffer.AsSpan(0, _length).CopyTo(larger);
                Pool.Return(_buffer);
                _buffer = larger;
            }

            var read = await source.ReadAsync(_buffer.AsMemory(_length), cancellationToken);
            if (read == 0)
            {
                return;
            }

            _length += read;
        }
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer.Length > 0)
        {
            Pool.Return(_buffer);
            _buffer = [];
            _length = 0;
        }

        base.Dispose(disposing);
    }
}
