using System.Globalization;
using System.Text;
using Daedalus.Configuration;

namespace Daedalus.Sources.Files;

/// <summary>
/// One <c>files</c> stream's <c>settings:</c>. <c>pattern</c> (required) selects files; <c>format</c> is csv, jsonl
/// or parquet (default: from the pattern's extension). CSV only: <c>delimiter</c> (one character, or <c>tab</c>;
/// default ','), <c>header</c> (true/false, default true), <c>quote</c> (one character, default '"', or <c>none</c>
/// for no quoting), <c>encoding</c> (default utf-8; a byte order mark is honoured and skipped; utf-16, latin1,
/// windows-1252, any name .NET knows). <c>columns</c> declares the columns and their types
/// (<see cref="DeclaredColumns"/>); without it they are inferred from the first <c>sampleRows</c> records (default
/// 1000). <c>pageSize</c> (default 5000) is how many records a page (and so a cursor step) holds.
/// </summary>
public sealed record FilesStreamSettings(
    FileGlob Glob,
    FileFormat Format,
    char Delimiter,
    bool Header,
    char? Quote,
    Encoding Encoding,
    IReadOnlyList<ColumnSchema>? Columns,
    int SampleRows,
    int PageSize)
{
    static FilesStreamSettings()
    {
        // windows-1252 and the other code pages that exports from older tools use.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    public static FilesStreamSettings From(StreamDefinition stream, List<string>? errors = null)
    {
        var path = $"streams.{stream.Name}.settings";
        void Error(string message)
        {
            if (errors is null)
            {
                throw new SourceException($"{path}{message}");
            }

            errors.Add($"{path}{message}");
        }

        string? Text(string name) =>
            stream.Settings.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

        var pattern = Text("pattern")?.Trim() ?? "";
        if (pattern.Length == 0)
        {
            Error(".pattern is required (a glob relative to the folder or container, e.g. exports/*.csv)");
            pattern = "*";
        }

        var formatText = Text("format")?.Trim().ToLowerInvariant() ?? Path.GetExtension(pattern).TrimStart('.').ToLowerInvariant();
        FileFormat? format = formatText switch
        {
            "csv" or "tsv" or "txt" => FileFormat.Csv,
            "jsonl" or "ndjson" or "json" => FileFormat.JsonLines,
            "parquet" or "pq" => FileFormat.Parquet,
            _ => null,
        };
        if (format is null)
        {
            Error($".format: '{formatText}' is not csv, jsonl or parquet (set it when the pattern's extension does not say)");
        }

        var delimiter = ',';
        if (Text("delimiter") is { } delimiterText)
        {
            if (delimiterText.Equals("tab", StringComparison.OrdinalIgnoreCase) || delimiterText == "\\t")
            {
                delimiter = '\t';
            }
            else if (delimiterText.Length == 1 && char.IsAscii(delimiterText[0]) && delimiterText[0] is not ('\r' or '\n' or '"'))
            {
                delimiter = delimiterText[0];
            }
            else
            {
                Error($".delimiter: '{delimiterText}' is not one ASCII character (or 'tab')");
            }
        }
        else if (formatText == "tsv")
        {
            delimiter = '\t';
        }

        var header = true;
        if (Text("header") is { } headerText && !bool.TryParse(headerText, out header))
        {
            Error($".header: '{headerText}' is not true or false");
            header = true;
        }

        char? quote = '"';
        if (Text("quote") is { } quoteText)
        {
            if (quoteText.Equals("none", StringComparison.OrdinalIgnoreCase))
            {
                quote = null;
            }
            else if (quoteText.Length == 1 && char.IsAscii(quoteText[0]) && quoteText[0] != delimiter && quoteText[0] is not ('\r' or '\n'))
            {
                quote = quoteText[0];
            }
            else
            {
                Error($".quote: '{quoteText}' is not one ASCII character other than the delimiter (or 'none')");
            }
        }

        var encoding = (Encoding)new UTF8Encoding(false);
        if (Text("encoding") is { } encodingText)
        {
            try
            {
                encoding = encodingText.Trim().ToLowerInvariant() is "latin1" or "latin-1" ? Encoding.Latin1 : Encoding.GetEncoding(encodingText.Trim());
            }
            catch (ArgumentException)
            {
                Error($".encoding: '{encodingText}' is not an encoding name (utf-8, utf-16, latin1, windows-1252, ...)");
            }
        }

        // Bytes invalid in the encoding are marked, so the reader refuses their record rather than replace them.
        encoding = UndecodableText.Marking(encoding);

        IReadOnlyList<ColumnSchema>? columns = null;
        if (Text("columns") is { } columnsText)
        {
            var problems = new List<string>();
            columns = DeclaredColumns.Parse(columnsText, $"{path}.columns", problems);
            foreach (var problem in problems)
            {
                if (errors is null)
                {
                    throw new SourceException(problem);
                }

                errors.Add(problem);
            }

            if (columns.Count == 0 && problems.Count == 0)
            {
                Error(".columns: declares no column");
            }
        }

        int Number(string name, int fallback, int max)
        {
            if (Text(name) is not { } text)
            {
                return fallback;
            }

            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1 && value <= max)
            {
                return value;
            }

            Error($".{name}: '{text}' is not a whole number between 1 and {max.ToString("N0", CultureInfo.InvariantCulture)}");
            return fallback;
        }

        var sampleRows = Number("sampleRows", 1000, 1_000_000);
        var pageSize = Number("pageSize", 5000, 100_000);
        foreach (var key in stream.Settings.Keys.Where(k => !Known.Contains(k, StringComparer.OrdinalIgnoreCase)))
        {
            Error($".{key}: unknown setting (known: {string.Join(", ", Known)})");
        }

        return new FilesStreamSettings(new FileGlob(pattern), format ?? FileFormat.Csv, delimiter, header, quote, encoding, columns, sampleRows, pageSize);
    }

    private static readonly string[] Known = ["pattern", "format", "delimiter", "header", "quote", "encoding", "columns", "sampleRows", "pageSize"];
}
