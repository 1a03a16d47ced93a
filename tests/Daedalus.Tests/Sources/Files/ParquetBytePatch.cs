using System.Text;

namespace Daedalus.Tests.Sources.Files;

/// <summary>
/// Parquet.Net writes strings as UTF-8 only, so a file holding bytes that are not UTF-8 (what a Latin-1 writer
/// produces) is made by writing an ASCII marker uncompressed (CompressionMethod.None) and overwriting every copy of
/// it (data page, dictionary page, statistics) with bytes of the same length: lengths and offsets stay right.
/// </summary>
public static class ParquetBytePatch
{
    public static byte[] Replace(byte[] file, string marker, byte[] replacement)
    {
        var pattern = Encoding.ASCII.GetBytes(marker);
        Assert.Equal(pattern.Length, replacement.Length);
        var patched = (byte[])file.Clone();
        var found = 0;
        for (var at = patched.AsSpan().IndexOf(pattern); at >= 0; found++)
        {
            replacement.CopyTo(patched, at);
            var next = patched.AsSpan(at + pattern.Length).IndexOf(pattern);
            at = next < 0 ? -1 : at + pattern.Length + next;
        }

        Assert.True(found > 0, $"marker {marker} is not in the file (compressed?)");
        return patched;
    }
}
