using System.Buffers;
using System.IO.Compression;

namespace Daedalus.Queues;

/// <summary>
/// How claim-check blobs are encoded: gzip (RFC 1952, readable by any tool), stored with the blob's
/// <c>Content-Encoding: gzip</c> and <c>Content-Type: application/json</c> and named in the queue reference. Envelopes
/// are JSON with long runs of repeated names and digits, so gzip at its fastest level stores about a third of the
/// bytes, which is less blob storage, less transfer and less time in the storage service. Blobs written before
/// compression carry no encoding and are read as they are.
/// </summary>
public static class ClaimCheckCodec
{
    public const string Gzip = "gzip";

    private static ReadOnlySpan<byte> GzipMagic => [0x1f, 0x8b];

    /// <summary>The gzip-compressed envelope, in a pooled buffer the caller disposes.</summary>
    public static PooledBufferStream Compress(ReadOnlySpan<byte> envelope)
    {
        // Sized near the expected result so the buffer rarely grows.
        var stored = new PooledBufferStream(Math.Max(256, envelope.Length / 3));
        using (var gzip = new GZipStream(stored, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(envelope);
        }

        return stored;
    }

    /// <summary>
    /// Reads a claim-check blob's content into the envelope bytes. <paramref name="encoding"/> is the blob's
    /// Content-Encoding or the reference's; <paramref name="envelopeBytes"/>, when known, sizes the result exactly.
    /// Content already decoded by a transport (no gzip header) is returned as it is.
    /// </summary>
    public static async Task<byte[]> ReadAsync(Stream content, string? encoding, long envelopeBytes, CancellationToken cancellationToken)
    {
        try
        {
            await using var decoded = await DecodeAsync(content, encoding, cancellationToken);
            return await ReadAllAsync(decoded, envelopeBytes, cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            throw new Batching.BatchFormatException($"claim-check blob is not valid gzip: {ex.Message}");
        }
    }

    /// <summary>As <see cref="ReadAsync"/>, into a pooled buffer the caller disposes (for the worker, which only parses it).</summary>
    public static async Task<PooledBufferStream> ReadPooledAsync(Stream content, string? encoding, long envelopeBytes, CancellationToken cancellationToken)
    {
        var buffer = new PooledBufferStream(envelopeBytes is > 0 and < int.MaxValue ? (int)envelopeBytes + 1 : 1 << 20);
        try
        {
            await using var decoded = await DecodeAsync(content, encoding, cancellationToken);
            await buffer.FillAsync(decoded, cancellationToken);
            return buffer;
        }
        catch (InvalidDataException ex)
        {
            buffer.Dispose();
            throw new Batching.BatchFormatException($"claim-check blob is not valid gzip: {ex.Message}");
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary>The content decoded: gunzipped when it is gzip and starts with the gzip header (a transport may have decoded it already).</summary>
    private static async Task<Stream> DecodeAsync(Stream content, string? encoding, CancellationToken cancellationToken)
    {
        if (!string.Equals(encoding, Gzip, StringComparison.OrdinalIgnoreCase))
        {
            return content;
        }

        var head = new byte[2];
        var read = 0;
        while (read < head.Length)
        {
            var n = await content.ReadAsync(head.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        var rest = new PrefixedStream(head.AsMemory(0, read), content);
        return read == 2 && head.AsSpan().SequenceEqual(GzipMagic) ? new GZipStream(rest, CompressionMode.Decompress) : rest;
    }

    private static async Task<byte[]> ReadAllAsync(Stream content, long expected, CancellationToken cancellationToken)
    {
        if (expected is > 0 and <= int.MaxValue)
        {
            // The exact size is known: one allocation, no growth; longer content falls through to the general path.
            var exact = new byte[expected];
            var filled = 0;
            while (filled < exact.Length)
            {
                var n = await content.ReadAsync(exact.AsMemory(filled), cancellationToken);
                if (n == 0)
                {
                    break;
                }

                filled += n;
            }

            var probe = new byte[1];
            if (filled == exact.Length && await content.ReadAsync(probe, cancellationToken) == 0)
            {
                return exact;
            }

            using var longer = new MemoryStream();
            longer.Write(exact, 0, filled);
            longer.Write(probe, 0, filled == exact.Length ? 1 : 0);
            await content.CopyToAsync(longer, cancellationToken);
            return longer.ToArray();
        }

        var pooled = ArrayPool<byte>.Shared.Rent(81_920);
        try
        {
            using var buffer = new MemoryStream();
            int read;
            while ((read = await content.ReadAsync(pooled, cancellationToken)) > 0)
            {
                buffer.Write(pooled, 0, read);
            }

            return buffer.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(pooled);
        }
    }

    /// <summary>A few bytes already read, then the rest of the stream.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner) : Stream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_prefix.Length > 0)
            {
                var n = Math.Min(buffer.Length, _prefix.Length);
                _prefix.Span[..n].CopyTo(buffer);
                _prefix = _prefix[n..];
                return n;
            }

            return inner.Read(buffer);
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_prefix.Length > 0)
            {
                var n = Math.Min(buffer.Length, _prefix.Length);
                _prefix[..n].CopyTo(buffer);
                _prefix = _prefix[n..];
                return n;
            }

            return await inner.ReadAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
