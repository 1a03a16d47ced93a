namespace Daedalus.Application.Decrypt;

/// <summary>
/// Which protected values to read back: the encrypted <paramref name="Columns"/> (target column names) of
/// <paramref name="Source"/>/<paramref name="Stream"/>, of the rows whose single-column primary key is one of
/// <paramref name="Keys"/>, or, without keys, of the first <paramref name="Limit"/> rows in primary key order.
/// </summary>
public sealed record DecryptRequest(string Source, string Stream, IReadOnlyList<string> Columns, IReadOnlyList<string> Keys, int Limit);
