using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Daedalus.Sources;

namespace Daedalus.Batching;

/// <summary>
/// Batch ids derived from what the batch holds. The id hashes the source, stream, id scope (the stream's reset
/// generation, or the run for full refreshes), cursor range, position AND the rows themselves (every value with its
/// type, and the delete flag), so:
/// <list type="bullet">
/// <item>a redelivered message carries the same id: the ledger makes it a no-op;</item>
/// <item>a re-read of identical rows under the same cursor range gives the same id: a no-op;</item>
/// <item>a re-read whose rows changed under the same cursor range (a coarse DATE watermark, second-precision
/// timestamps) gives a new id: it is loaded, and the merge applies the change;</item>
/// <item>after a reset the generation differs: every batch is new and re-applied.</item>
/// </list>
/// </summary>
public static class BatchIds
{
    public static string Create(string source, string stream, string scope, string? cursorFrom, string? cursorTo, int sequence, IReadOnlyList<SourceRecord> records)
    {
        var content = ContentHash(records);
        var text = $"v2\n{source}\n{stream}\n{scope}\n{cursorFrom}\n{cursorTo}\n{sequence}\n{records.Count}\n{Convert.ToHexStringLower(content)}";
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary>XXH128 of the rows in order: a type tag and the bytes of each value, so 1 (integer) and "1" (text) differ.</summary>
    public static byte[] ContentHash(IReadOnlyList<SourceRecord> records)
    {
        var hash = new XxHash128();
        Span<byte> scratch = stackalloc byte[17];
        foreach (var record in records)
        {
            scratch[0] = record.IsDeleted ? (byte)'D' : (byte)'R';
            hash.Append(scratch[..1]);
            foreach (var value in record.Values)
            {
                Append(hash, value, scratch);
            }
        }

        return hash.GetCurrentHash();
    }

    private static void Append(XxHash128 hash, object? value, Span<byte> scratch)
    {
        switch (value)
        {
            case null:
                scratch[0] = 0;
                hash.Append(scratch[..1]);
                return;
            case string text:
                scratch[0] = 1;
                BinaryPrimitives.WriteInt32LittleEndian(scratch[1..], text.Length);
                hash.Append(scratch[..5]);
                hash.Append(MemoryMarshal.AsBytes(text.AsSpan()));
                return;
            case long number:
                scratch[0] = 2;
                BinaryPrimitives.WriteInt64LittleEndian(scratch[1..], number);
                hash.Append(scratch[..9]);
                return;
            case double number:
                scratch[0] = 3;
                BinaryPrimitives.WriteDoubleLittleEndian(scratch[1..], number);
                hash.Append(scratch[..9]);
                return;
            case bool flag:
                scratch[0] = flag ? (byte)4 : (byte)5;
                hash.Append(scratch[..1]);
                return;
            case DateTimeOffset instant:
                scratch[0] = 6;
                BinaryPrimitives.WriteInt64LittleEndian(scratch[1..], instant.UtcTicks);
                BinaryPrimitives.WriteInt64LittleEndian(scratch[9..], instant.Offset.Ticks);
                hash.Append(scratch[..17]);
                return;
            case DateTime instant:
                scratch[0] = 11;
                BinaryPrimitives.WriteInt64LittleEndian(scratch[1..], instant.Ticks);
                hash.Append(scratch[..9]);
                return;
            case DateOnly date:
                scratch[0] = 7;
                BinaryPrimitives.WriteInt32LittleEndian(scratch[1..], date.DayNumber);
                hash.Append(scratch[..5]);
                return;
            case TimeOnly time:
                scratch[0] = 8;
                BinaryPrimitives.WriteInt64LittleEndian(scratch[1..], time.Ticks);
                hash.Append(scratch[..9]);
                return;
            case decimal number:
                scratch[0] = 9;
                Span<int> bits = stackalloc int[4];
                decimal.GetBits(number, bits);
                hash.Append(scratch[..1]);
                hash.Append(MemoryMarshal.AsBytes(bits));
                return;
            default:
                // NumericText, DateTime, int and anything a plugin adds: its type name and invariant text.
                var described = $"{value.GetType().Name}:{CellText.Format(value)}";
                scratch[0] = 10;
                BinaryPrimitives.WriteInt32LittleEndian(scratch[1..], described.Length);
                hash.Append(scratch[..5]);
                hash.Append(MemoryMarshal.AsBytes(described.AsSpan()));
                return;
        }
    }
}
