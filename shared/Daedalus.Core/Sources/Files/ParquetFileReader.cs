using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using Parquet;
using Parquet.Data;
using Parquet.Schema;

namespace Daedalus.Sources.Files;

/// <summary>
/// Reads Parquet row group by row group (Parquet.Net): memory holds one row group's columns at a time, never the
/// file. Decimals of any precision keep every digit (read as big decimals, stored as numeric); timestamps are
/// instants (a timestamp not adjusted to UTC is taken as UTC, whatever the host's time zone); dates, times, integers,
/// floats (half, single, double), booleans, strings, UUIDs (as text) and binary (as base64 text) map to their column
/// types; a field of any other type is refused by name. Repeated (list) fields are not supported and fail the file.
/// A string cell whose bytes are not valid UTF-8 refuses its row (Parquet.Net would decode it with U+FFFD silently).
/// </summary>
public static class ParquetFileReader
{
    private static readonly ParquetOptions Options = new() { UseBigDecimal = true, UseDateOnlyTypeForDates = true };

    /// <summary>A string cell whose bytes are not valid UTF-8: its row is refused, its bytes never land.</summary>
    private static readonly object NotUtf8 = new();

    /// <summary>The file's columns and their types, from its footer alone.</summary>
    public static async Task<List<ColumnSchema>> DescribeAsync(Stream stream, string file, CancellationToken cancellationToken)
    {
        await using var reader = await ParquetReader.CreateAsync(stream, Options, leaveStreamOpen: false, cancellationToken);
        var fields = reader.Schema.GetDataFields();
        var names = FileColumnNames.Normalize(fields.Select(f => f.Path.ToString()));
        return fields.Select((f, i) => new ColumnSchema(names[i], TypeOf(f, file))).ToList();
    }

    public static async IAsyncEnumerable<SourceRecord> ReadAsync(Stream stream, FileReadPlan plan, long skip, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await ParquetReader.CreateAsync(stream, Options, leaveStreamOpen: false, cancellationToken);
        var fields = reader.Schema.GetDataFields();
        var map = plan.MapColumns(FileColumnNames.Normalize(fields.Select(f => f.Path.ToString())));
        // Strings are read through a bytes twin of their field, once per file: see BytesTwin.
        var twins = new DataField?[fields.Length];
        foreach (var index in map.Where(i => i >= 0))
        {
            _ = TypeOf(fields[index], plan.File.Name);
            if (IsString(fields[index]))
            {
                twins[index] = BytesTwin(fields[index], plan.File.Name);
            }
        }

        long record = 0;
        for (var group = 0; group < reader.RowGroupCount; group++)
        {
            using var rows = reader.OpenRowGroupReader(group);
            var count = checked((int)rows.RowCount);
            if (record + count <= skip)
            {
                // Stored already: not even read.
                record += count;
                continue;
            }

            var cells = new object?[plan.Columns.Count][];
            for (var i = 0; i < plan.Columns.Count; i++)
            {
                cells[i] = map[i] < 0 ? new object?[count] : await ReadColumnAsync(rows, fields[map[i]], twins[map[i]], count, cancellationToken);
            }

            for (var r = 0; r < count; r++)
            {
                if (++record <= skip)
                {
                    continue;
                }

                var values = plan.NewValues(record);
                List<string>? problems = null;
                for (var i = 0; i < plan.Columns.Count; i++)
                {
                    if (cells[i][r] is not { } native)
                    {
                        continue;
                    }

                    if (ReferenceEquals(native, NotUtf8))
                    {
                        (problems ??= []).Add($"column {plan.Columns[i].Name} is not valid utf-8 (Parquet strings are UTF-8; the file's writer stored other bytes, e.g. Latin-1 or windows-1252)");
                        continue;
                    }

                    values[i] = Coerce(native, plan.Columns[i].Type, out var problem);
                    if (problem is not null)
                    {
                        (problems ??= []).Add($"column {plan.Columns[i].Name} {problem}");
                    }
                }

                yield return new SourceRecord(values, Rejected: problems is null ? null : $"file {plan.File.Name} row group {group} row {r + 1}: {string.Join("; ", problems)}");
            }
        }
    }

    private static ColumnType TypeOf(DataField field, string file)
    {
        if (field.IsArray || field.MaxRepetitionLevel > 0)
        {
            throw new SourceException($"file {file}: field {field.Path} is repeated (a list); the files plugin reads flat columns only");
        }

        var type = field.ClrType;
        return type switch
        {
            _ when type == typeof(bool) => ColumnType.Boolean,
            _ when type == typeof(sbyte) || type == typeof(byte) || type == typeof(short) || type == typeof(ushort) || type == typeof(int) || type == typeof(uint) || type == typeof(long) => ColumnType.Integer,
            _ when type == typeof(ulong) || type == typeof(decimal) || type == typeof(BigDecimal) => ColumnType.Decimal,
            _ when type == typeof(Half) || type == typeof(float) || type == typeof(double) => ColumnType.Double,
            _ when type == typeof(DateTime) || type == typeof(DateTimeOffset) => ColumnType.Timestamp,
            _ when type == typeof(DateOnly) => ColumnType.Date,
            _ when type == typeof(TimeOnly) || type == typeof(TimeSpan) => ColumnType.Time,
            _ when type == typeof(string) || type == typeof(ReadOnlyMemory<char>) || type == typeof(byte[]) || type == typeof(ReadOnlyMemory<byte>) || type == typeof(Guid) => ColumnType.Text,

            // Refused here, from the footer (check, discover and every read say so), rather than described as text
            // and then failing the read of its first row group: every type above is one ReadColumnAsync converts.
            _ => throw new SourceException($"file {file}: field {field.Path} has a Parquet type the files plugin cannot read ({type.Name})"),
        };
    }

    private static bool IsString(DataField field) => field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>);

    /// <summary>
    /// A field typed as bytes at the same path and levels as a string <paramref name="field"/>: reading the column
    /// chunk through it hands over the stored bytes, so they can be checked as UTF-8 here. Parquet.Net's own string
    /// read decodes with a replacing decoder (an invalid byte becomes U+FFFD, silently) and has no option to refuse.
    /// Parquet.Net finds the chunk by path and decodes the levels by the field's maximum levels, so a twin whose levels
    /// differ (a string inside a required struct: every struct built here is optional) fails the file, never misreads it.
    /// </summary>
    private static DataField BytesTwin(DataField field, string file)
    {
        var parts = field.Path.ToList();
        var leaf = new DataField(parts[^1], typeof(byte[]), isNullable: field.IsNullable);
        Field top = leaf;
        for (var i = parts.Count - 2; i >= 0; i--)
        {
            top = new StructField(parts[i], top);
        }

        _ = new ParquetSchema(top);
        if (!leaf.Path.Equals(field.Path) || leaf.MaxDefinitionLevel != field.MaxDefinitionLevel || leaf.MaxRepetitionLevel != field.MaxRepetitionLevel)
        {
            throw new SourceException($"file {file}: field {field.Path} is a string inside a required struct, whose bytes the files plugin cannot check as UTF-8");
        }

        return leaf;
    }

    private static async Task<object?[]> ReadColumnAsync(ParquetRowGroupReader rows, DataField field, DataField? twin, int count, CancellationToken cancellationToken)
    {
        var type = field.ClrType;
        if (twin is not null)
        {
            // Utf8.IsValid is vectorised; a valid string (U+FFFD or U+FDD0 written as such included) lands as stored.
            return await ReadBytesAsync(rows, twin, count, bytes => Utf8.IsValid(bytes.Span) ? Encoding.UTF8.GetString(bytes.Span) : NotUtf8, cancellationToken);
        }

        if (type == typeof(byte[]) || type == typeof(ReadOnlyMemory<byte>))
        {
            return await ReadBytesAsync(rows, field, count, bytes => Convert.ToBase64String(bytes.Span), cancellationToken);
        }

        return type switch
        {
            _ when type == typeof(bool) => await ReadAsync<bool>(rows, field, count, cancellationToken),
            _ when type == typeof(sbyte) => await ReadAsync<sbyte>(rows, field, count, cancellationToken),
            _ when type == typeof(byte) => await ReadAsync<byte>(rows, field, count, cancellationToken),
            _ when type == typeof(short) => await ReadAsync<short>(rows, field, count, cancellationToken),
            _ when type == typeof(ushort) => await ReadAsync<ushort>(rows, field, count, cancellationToken),
            _ when type == typeof(int) => await ReadAsync<int>(rows, field, count, cancellationToken),
            _ when type == typeof(uint) => await ReadAsync<uint>(rows, field, count, cancellationToken),
            _ when type == typeof(long) => await ReadAsync<long>(rows, field, count, cancellationToken),
            _ when type == typeof(ulong) => await ReadAsync<ulong>(rows, field, count, cancellationToken),
            _ when type == typeof(Half) => await ReadAsync<Half>(rows, field, count, cancellationToken),
            _ when type == typeof(float) => await ReadAsync<float>(rows, field, count, cancellationToken),
            _ when type == typeof(double) => await ReadAsync<double>(rows, field, count, cancellationToken),
            _ when type == typeof(decimal) => await ReadAsync<decimal>(rows, field, count, cancellationToken),
            _ when type == typeof(BigDecimal) => await ReadAsync<BigDecimal>(rows, field, count, cancellationToken),
            _ when type == typeof(DateTime) => await ReadAsync<DateTime>(rows, field, count, cancellationToken),
            _ when type == typeof(DateTimeOffset) => await ReadAsync<DateTimeOffset>(rows, field, count, cancellationToken),
            _ when type == typeof(DateOnly) => await ReadAsync<DateOnly>(rows, field, count, cancellationToken),
            _ when type == typeof(TimeOnly) => await ReadAsync<TimeOnly>(rows, field, count, cancellationToken),
            _ when type == typeof(TimeSpan) => await ReadAsync<TimeSpan>(rows, field, count, cancellationToken),
            _ when type == typeof(Guid) => await ReadAsync<Guid>(rows, field, count, cancellationToken),
            _ => throw new SourceException($"field {field.Path} has a Parquet type the files plugin cannot read ({type.Name})"),
        };
    }

    /// <summary>
    /// A BYTE_ARRAY column as stored, each non-null value passed through <paramref name="convert"/>. Read raw, with
    /// buffers allocated here: Parquet.Net's nullable overloads take their definition levels from a pooled buffer.
    /// </summary>
    private static async Task<object?[]> ReadBytesAsync(ParquetRowGroupReader rows, DataField field, int count, Func<ReadOnlyMemory<byte>, object> convert, CancellationToken cancellationToken)
    {
        var values = new ReadOnlyMemory<byte>[count];
        var levels = field.MaxDefinitionLevel > 0 ? new int[count] : null;
        // The cast matters: a bare null here converts through int[] to an empty (not absent) Memory<int>, which Parquet.Net refuses.
        await rows.ReadRawAsync(field, values.AsMemory(), levels is null ? (Memory<int>?)null : levels.AsMemory(), null, cancellationToken);

        // Values come packed (nulls take no slot); a row is defined when its level is the field's maximum.
        var cells = new object?[count];
        for (int r = 0, next = 0; r < count; r++)
        {
            if (levels is null || levels[r] == field.MaxDefinitionLevel)
            {
                cells[r] = convert(values[next++]);
            }
        }

        return cells;
    }

    private static async Task<object?[]> ReadAsync<T>(ParquetRowGroupReader rows, DataField field, int count, CancellationToken cancellationToken)
        where T : struct
    {
        var boxed = new object?[count];
        if (field.MaxDefinitionLevel == 0)
        {
            // A required column has no definition levels. Parquet.Net 6.1's nullable overload would still rent a
            // definition-level buffer from the shared array pool without clearing it and read nulls from whatever an
            // earlier user left there (seen here: ids of rows silently NULL), so required columns take the plain overload.
            var values = new T[count];
            await rows.ReadAsync<T>(field, values.AsMemory(), null, cancellationToken);
            for (var i = 0; i < count; i++)
            {
                boxed[i] = values[i];
            }

            return boxed;
        }

        var buffer = new T?[count];
        await rows.ReadAsync<T>(field, buffer.AsMemory(), null, cancellationToken);
        for (var i = 0; i < count; i++)
        {
            boxed[i] = buffer[i];
        }

        return boxed;
    }

    /// <summary>A Parquet value as its column type: exact conversions only, else via its invariant text.</summary>
    private static object? Coerce(object native, ColumnType type, out string? problem)
    {
        problem = null;
        switch (type, native)
        {
            case (ColumnType.Integer, long or int or short or sbyte or byte or ushort or uint):
                return Convert.ToInt64(native, CultureInfo.InvariantCulture);
            case (ColumnType.Decimal, decimal number):
                return number;
            case (ColumnType.Decimal, BigDecimal big):
                return NumericText.Parse(big.ToString());
            case (ColumnType.Double, double number):
                return number;
            case (ColumnType.Double, float number):
                return (double)number;
            case (ColumnType.Double, Half number):
                return (double)number;
            case (ColumnType.Boolean, bool flag):
                return flag;
            case (ColumnType.Timestamp, DateTimeOffset instant):
                return instant;
            case (ColumnType.Timestamp, DateTime instant):
                // Not adjusted to UTC (pandas naive, Spark TIMESTAMP_NTZ) Parquet.Net hands over as Local: the digits are the
                // file's wall time, taken as UTC; ToUniversalTime would shift them by the reading host's offset.
                return new DateTimeOffset(DateTime.SpecifyKind(instant, DateTimeKind.Utc));
            case (ColumnType.Date, DateOnly date):
                return date;
            case (ColumnType.Time, TimeOnly time):
                return time;
            case (ColumnType.Time, TimeSpan span) when span >= TimeSpan.Zero && span < TimeSpan.FromDays(1):
                return TimeOnly.FromTimeSpan(span);
            case (ColumnType.Text or ColumnType.Json, string text):
                return text;
            case (ColumnType.Text, Guid id):
                return id.ToString("D", CultureInfo.InvariantCulture);
        }

        var invariant = native switch
        {
            DateTime instant => DateTime.SpecifyKind(instant, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture),
            DateTimeOffset instant => instant.ToString("O", CultureInfo.InvariantCulture),
            DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            double number => number.ToString("R", CultureInfo.InvariantCulture),
            float number => number.ToString("R", CultureInfo.InvariantCulture),
            Half number => ((double)number).ToString("R", CultureInfo.InvariantCulture),
            Guid id => id.ToString("D", CultureInfo.InvariantCulture),
            BigDecimal big => big.ToString(),
            _ => Convert.ToString(native, CultureInfo.InvariantCulture) ?? "",
        };
        return CellParser.Parse(invariant, type, out problem);
    }
}
