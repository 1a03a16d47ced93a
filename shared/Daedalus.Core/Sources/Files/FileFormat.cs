namespace Daedalus.Sources.Files;

/// <summary>The file formats the <c>files</c> plugin reads.</summary>
public enum FileFormat
{
    /// <summary>Delimited text (RFC 4180 quoting by default), read with CsvHelper.</summary>
    Csv,

    /// <summary>One JSON object per line (JSON Lines / NDJSON).</summary>
    JsonLines,

    /// <summary>Apache Parquet, read row group by row group with Parquet.Net.</summary>
    Parquet,
}
