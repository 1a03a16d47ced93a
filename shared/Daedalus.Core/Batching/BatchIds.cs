using System.Security.Cryptography;
using System.Text;

namespace Daedalus.Batching;

/// <summary>
/// Deterministic batch ids: the same source, stream, cursor range, position and size always give the
/// same id, so a re-pull or a redelivery of the same batch is recognised by the ledger and skipped.
/// </summary>
public static class BatchIds
{
    public static string Create(string source, string stream, string? cursorFrom, string? cursorTo, int sequence, int rows)
    {
        var text = $"v1\n{source}\n{stream}\n{cursorFrom}\n{cursorTo}\n{sequence}\n{rows}";
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }
}
