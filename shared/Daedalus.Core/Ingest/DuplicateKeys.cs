using System.Buffers;
using System.Text;
using Daedalus.Sources;

namespace Daedalus.Ingest;

/// <summary>
/// Whether a batch repeats a primary key. The common keys (one integer or one text column) are checked by sorting a
/// pooled copy of the keys, which leaves no garbage: a <c>HashSet</c> sized for a 10,000-row batch is a large-object
/// array per batch, and those trigger full (gen2) collections that stall the whole pipeline. Other keys use a set.
/// Equality is .NET's (ordinal for text), as before; keys PostgreSQL sees as equal but .NET does not are caught by
/// the merge (cardinality violation, then a deduplicating retry).
/// </summary>
public static class DuplicateKeys
{
    public static bool Any(IReadOnlyList<SourceRecord> rows, int[] keyIndexes)
    {
        if (rows.Count < 2)
        {
            return false;
        }

        if (keyIndexes.Length == 1)
        {
            var index = keyIndexes[0];
            switch (rows[0].Values[index])
            {
                case long when AllOf<long>(rows, index):
                    return SortedHasRepeat<long>(rows, index, Comparer<long>.Default);
                case string when AllOf<string>(rows, index):
                    return SortedHasRepeat(rows, index, StringComparer.Ordinal);
            }
        }

        var seen = new HashSet<object>(rows.Count);
        foreach (var row in rows)
        {
            if (!seen.Add(KeyOf(row.Values, keyIndexes)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AllOf<T>(IReadOnlyList<SourceRecord> rows, int index)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Values[index] is not T)
            {
                return false;
            }
        }

        return true;
    }

    private static bool SortedHasRepeat<T>(IReadOnlyList<SourceRecord> rows, int index, IComparer<T> comparer)
    {
        var keys = ArrayPool<T>.Shared.Rent(rows.Count);
        try
        {
            var span = keys.AsSpan(0, rows.Count);
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (T)rows[i].Values[index]!;
            }

            span.Sort(comparer);
            for (var i = 1; i < span.Length; i++)
            {
                if (comparer.Compare(span[i - 1], span[i]) == 0)
                {
                    return true;
                }
            }

            return false;
        }
        finally
        {
            ArrayPool<T>.Shared.Return(keys, clearArray: System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<T>());
        }
    }

    private static object KeyOf(object?[] values, int[] keyIndexes)
    {
        if (keyIndexes.Length == 1)
        {
            return values[keyIndexes[0]] ?? DBNull.Value;
        }

        var builder = new StringBuilder();
        foreach (var index in keyIndexes)
        {
            builder.Append(values[index] is { } value ? CellText.Format(value) : "").Append('\u001f');
        }

        return builder.ToString();
    }
}
