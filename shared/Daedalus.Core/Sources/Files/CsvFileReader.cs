using System.Runtime.CompilerServices;
using System.Text;
using CsvHelper;

namespace Daedalus.Sources.Files;

/// <summary>
/// Reads delimited text with CsvHelper, streaming (a 64 KiB buffer that grows only for a single huge record).
/// Quoted fields may hold delimiters and line breaks; \r\n, \n and \r all end records; a byte order mark is skipped.
/// An empty cell is null. A record whose field count differs from the header, a malformed quote, or a cell that is
/// not valid in the stream's encoding or not of its column's type is rejected with the file, the line and the column in the reason (never the value).
/// </summary>
public static class CsvFileReader
{
    /// <summary>The file's column names (normalised; column_N without a header) and up to <paramref name="rows"/> records' cells.</summary>
    public static async Task<(List<string> Names, List<string?[]> Rows)> SampleAsync(Stream stream, FilesStreamSettings settings, int rows, CancellationToken cancellationToken)
    {
        using var reader = CsvReader.Create(Marked(stream, settings), Options(settings, null), leaveOpen: false);
        await reader.ReadHeaderAsync(cancellationToken);
        var names = settings.Header ? FileColumnNames.Normalize(reader.Headers) : null;
        var sample = new List<string?[]>();
        while (sample.Count < rows && await reader.ReadAsync(cancellationToken))
        {
            sample.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsEmpty(i) ? null : reader.GetString(i)).ToArray());
        }

        names ??= FileColumnNames.Positional(sample.Count == 0 ? 0 : sample.Max(r => r.Length));
        return (names, sample);
    }

    /// <summary>The file's records after the first <paramref name="skip"/> (which are parsed but not decoded).</summary>
    public static async IAsyncEnumerable<SourceRecord> ReadAsync(Stream stream, FileReadPlan plan, long skip, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var malformed = new Queue<(long Line, string Reason)>();
        using var reader = CsvReader.Create(Marked(stream, plan.Settings), Options(plan.Settings, malformed), leaveOpen: false);
        await reader.ReadHeaderAsync(cancellationToken);
        var names = plan.Settings.Header ? FileColumnNames.Normalize(reader.Headers) : FileColumnNames.Positional(plan.Columns.Count);
        var map = plan.MapColumns(names);
        var expected = names.Count;
        var columns = plan.Columns;
        long record = 0;
        while (true)
        {
            var more = await reader.ReadAsync(cancellationToken);

            // Malformed records were skipped by the parser before this one: they come first, in file order.
            while (malformed.TryDequeue(out var bad))
            {
                if (++record > skip)
                {
                    yield return plan.Reject(record, $"line {bad.Line}: {bad.Reason}");
                }
            }

            if (!more)
            {
                yield break;
            }

            if (++record <= skip)
            {
                continue;
            }

            var line = reader.LineNumber;
            var values = plan.NewValues(record);
            if (reader.FieldCount != expected)
            {
                yield return new SourceRecord(values, Rejected: $"file {plan.File.Name} line {line}: {reader.FieldCount} fields where the {(plan.Settings.Header ? "header has" : "columns are")} {expected}");
                continue;
            }

            List<string>? problems = null;
            for (var i = 0; i < columns.Count; i++)
            {
                var index = map[i];
                if (index < 0 || reader.IsEmpty(index))
                {
                    continue;
                }

                var cell = reader.GetString(index);
                if (UndecodableText.IsUndecodable(cell))
                {
                    (problems ??= []).Add($"column {columns[i].Name} {UndecodableText.Problem(plan.Settings.Encoding)}");
                    continue;
                }

                values[i] = CellParser.Parse(cell, columns[i].Type, out var problem);
                if (problem is not null)
                {
                    (problems ??= []).Add($"column {columns[i].Name} {problem}");
                }
            }

            yield return new SourceRecord(values, Rejected: problems is null ? null : $"file {plan.File.Name} line {line}: {string.Join("; ", problems)}");
        }
    }

    /// <summary>
    /// CsvHelper decodes UTF-8 itself and turns invalid bytes into U+FFFD, which would land silently. A UTF-8 file is
    /// therefore passed through the stream's marking encoding first (<see cref="UndecodableText"/>), so an invalid
    /// byte reaches the cell as the mark and its record is refused. Other encodings CsvHelper reads byte by byte.
    /// </summary>
    private static Stream Marked(Stream stream, FilesStreamSettings settings) =>
        settings.Encoding.CodePage == Encoding.UTF8.CodePage ? Encoding.CreateTranscodingStream(stream, settings.Encoding, new UTF8Encoding(false), leaveOpen: false) : stream;

    private static CsvReaderOptions Options(FilesStreamSettings settings, Queue<(long Line, string Reason)>? malformed) => new()
    {
        Separator = settings.Delimiter,
        HasHeader = settings.Header,
        Mode = settings.Quote is null ? CsvMode.NoEscape : CsvMode.Rfc4180,
        Quote = settings.Quote ?? '"',
        Encoding = settings.Encoding,
        TrackLineNumbers = true,
        IncludeValuesInExceptions = false,
        MalformedData = CsvMalformedDataHandling.Skip,
        FieldCountMismatch = CsvFieldCountHandling.Allow,
        OnMalformedRecord = malformed is null ? null : bad => malformed.Enqueue((bad.LineNumber, Describe(bad.Reason))),
    };

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "malformed CSV: a quote inside an unquoted field",
        CsvMalformedReason.TextAfterClosingQuote => "malformed CSV: text after a closing quote",
        CsvMalformedReason.UnterminatedQuote => "malformed CSV: a quoted field is never closed (the rest of the file is in it)",
        CsvMalformedReason.LineBreakInQuotes => "malformed CSV: a line break inside quotes",
        _ => $"malformed CSV: {reason}",
    };
}
