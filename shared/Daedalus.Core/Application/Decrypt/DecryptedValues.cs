namespace Daedalus.Application.Decrypt;

/// <summary>
/// The answer of <see cref="ProtectedValueReader"/>: where the values came from (<c>schema.table</c>), the rows in primary
/// key order, and the requested keys that match no row (<see cref="MissingKeys"/>, empty when rows were chosen by limit).
/// </summary>
public sealed record DecryptedValues(string Source, string Stream, string Table, IReadOnlyList<string> Columns, IReadOnlyList<DecryptedRow> Items, IReadOnlyList<string> MissingKeys);
