using System.Globalization;
using System.Text;

namespace Daedalus.Tests.Sources.Files;

/// <summary>
/// A read-only stream of CSV generated on the fly (header, then rows "id,amount,at,label" until <see cref="TargetBytes"/>
/// is reached), so a multi-gigabyte file is never held or kept as a fixture. Row i's amount is i/100 with two places.
/// </summary>
public sealed class GeneratedCsvStream : Stream
{
    private readonly byte[] _row = new byte[256];
    private int _rowLength;
    private int _rowOffset;
    private long _next = 1;
    private long _written;

    public GeneratedCsvStream(long targetBytes)
    {
        TargetBytes = targetBytes;
        _rowLength = Encoding.ASCII.GetBytes("id,amount,at,label\r\n", _row);
    }

    public long TargetBytes { get; }

    /// <summary>Data rows produced so far.</summary>
    public long Rows => _next - 1;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _written; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var copied = 0;
        while (copied < buffer.Length)
        {
            if (_rowOffset == _rowLength)
            {
                if (_written >= TargetBytes)
                {
                    break;
                }

                var id = _next++;
                _rowLength = Encoding.ASCII.GetBytes(
                    string.Create(CultureInfo.InvariantCulture, $"{id},{id / 100}.{id % 100:00},2026-03-02T09:{id / 60 % 60:00}:{id % 60:00}Z,\"label {id} with, a comma\"\n"),
                    _row);
                _rowOffset = 0;
            }

            var n = Math.Min(buffer.Length - copied, _rowLength - _rowOffset);
            _row.AsSpan(_rowOffset, n).CopyTo(buffer[copied..]);
            _rowOffset += n;
            copied += n;
            _written += n;
        }

        return copied;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
