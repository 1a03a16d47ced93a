namespace Daedalus.Application.Decrypt;

/// <summary>One row read back: its primary key (column to value as text) and the plaintext of each requested column (null where the cell is null).</summary>
public sealed record DecryptedRow(IReadOnlyDictionary<string, string?> Key, IReadOnlyDictionary<string, string?> Values);
