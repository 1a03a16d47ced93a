using Daedalus.Configuration;
using Daedalus.Sources;
using Daedalus.Sources.Files;
using Parquet;
using Parquet.Schema;
using ParquetEncoding = Parquet.Meta.Encoding;

namespace Daedalus.Tests.Sources.Files;

/// <summary>
/// Parquet.Net decodes a string column with a replacing UTF-8 decoder: bytes a Latin-1 writer stored landed as U+FFFD,
/// silently. A string cell whose bytes are not UTF-8 must refuse its row, naming the file, row group, row and column,
/// in plain and dictionary-encoded, optional and required columns; valid strings, U+FFFD and U+FDD0 included, land as stored.
/// </summary>
public sealed class ParquetUtf8Tests
{
    private const string Reason = "is not valid utf-8 (Parquet strings are UTF-8; the file's writer stored other bytes, e.g. Latin-1 or windows-1252)";

    private const string V1Dictionary =
        "UEFSMRUEFYABFVhMFRAVABIAAEAEAQAJAQACCQcEAAMNCAAEDQgABQ0IAAYNCDwHAAAAAAAAAAgAAAAAAAAAFQAVChUOLBUQFRAVBhUGAAAFEAMDiMb6FQQVTBVOTBUIFQASAAAmRAQAAABPc2xvBgAAAFr8cmljaAEKPO+/vSBvawYAAADvt5Agb2sVABUUFRgsFRAVEBUGFQYAAAokAgAAAAPvAgOEBxUEFW4VakwVEBUAEgAANxQCAAAAQTEFBkwyAwAAAO2ggAcAAABBNCDwn5iAAgELBDUCAQY0NgIAAABBNwMAAABBwK8VABUKFQ4sFRAVEBUGFQYAAAUQAwOIxvoZEQIZGAgBAAAAAAAAABkYCAgAAAAAAAAAFQIZFgAAGRECGRgET3NsbxkYBu+/vSBvaxUCGRYCKSYCDgAZEQIZGAJBMRkYA+2ggBUCGRYAABkcFn4VMBYAAAAZHBaYAhU6FgAAGRZIABkcFtgDFTAWAAAZFi4AFQQZTDUAGAZzY2hlbWEVBgAVBCUAGAJpZAAVDCUCGARuYW1lJQBMHAAAABUMJQAYBGNvZGUlAEwcAAAAFhAZHBk8JgAcFQQZNQAGEBkYAmlkFQIWEBbKARamASZ+JggcGAgIAAAAAAAAABgIAQAAAAAAAAAWACgICAAAAAAAAAAYCAEAAAAAAAAAEREAGSwVBBUAFQIAFQAVEBUCAAAWqAUVFBaIBBU+ACYAHBUMGTUABhAZGARuYW1lFQIWEBaeARakASaYAiauARw2AigG77+9IG9rGARPc2xvEREAGSwVBBUAFQIAFQAVEBUCADwWSBkGGSYCDgAAFrwFFRwWxgQVOgAmABwVDBk1AAYQGRgEY29kZRUCFhAWtgEWtgEm2AMm0gIcNgAoA+2ggBgCQTEREQAZLBUEFQAVAgAVABUQFQIAPBYuGQYZBgAAFtgFFRwWgAUVKAAWngQWECYIFoAEACgkZGFlZGFsdXMgdGVzdCBmaXh0dXJlIChQYXJxdWV0U2hhcnApGTwcAAAcAAAcAAAAlQEAAFBBUjE=";

    private const string V2DictionaryAndDelta =
        "UEFSMRUEFYABFVhMFRAVABIAAEAEAQAJAQACCQcEAAMNCAAEDQgABQ0IAAYNCDwHAAAAAAAAAAgAAAAAAAAAFQYVChUKXBUQFQAVEBUQFQAVABIAAAMDiMb6FQQVTBVOTBUIFQASAAAmRAQAAABPc2xvBgAAAFr8cmljaAEKPO+/vSBvawYAAADvt5Agb2sVBhUMFQxcFRAVAhUQFRAVBBUAEgAAA+8CA4QHFQYVfBVqXBUQFQAVEBUOFQAVABEAAD4wgAEECAABAgAAAJIVAAUBARIkBAsEAAAAhQpmBwUTDQFEQTEy7aCAQTQg8J+YgDU2N8CvGRECGRgIAQAAAAAAAAAZGAgIAAAAAAAAABUCGRYAABkRAhkYBE9zbG8ZGAbvv70gb2sVAhkWAikmAg4AGRECGRgCQTEZGAPtoIAVAhkWAAAZHBZ+FTYWAAAAGRwWngIVOBYAABkWSAAZHBbWAhWWARYAABkWLgAVBBlMNQAYBnNjaGVtYRUGABUEJQAYAmlkABUMJQIYBG5hbWUlAEwcAAAAFQwlABgEY29kZSUATBwAAAAWEBkcGTwmABwVBBk1AAYQGRgCaWQVAhYQFtQBFqwBJn4mCBwYCAgAAAAAAAAAGAgBAAAAAAAAABYAKAgIAAAAAAAAABgIAQAAAAAAAAAREQAZLBUEFQAVAgAVABUQFQIAABaMBRUUFuwDFT4AJgAcFQwZNQAGEBkYBG5hbWUVAhYQFqABFqIBJp4CJrQBHDYCKAbvv70gb2sYBE9zbG8REQAZLBUEFQAVAgAVABUQFQIAPBZIGQYZJgIOAAAWoAUVHBaqBBU6ACYAHBUMGSUGDhkYBGNvZGUVAhYQFqgBFpYBJtYCPDYAKAPtoIAYAkExEREAGRwVABUOFQIAPBYuGQYZBgAAFrwFFR4W5AQVKAAWnAQWECYIFuQDACgkZGFlZGFsdXMgdGVzdCBmaXh0dXJlIChQYXJxdWV0U2hhcnApGTwcAAAcAAAcAAAAigEAAFBBUjE=";

    [Fact]
    public async Task A_string_cell_whose_bytes_are_not_utf8_rejects_its_row_and_valid_strings_land_as_stored()
    {
        // Parquet.Net 6.1 writes strings PLAIN in v1 pages only; the other layouts come from the ParquetSharp files below.
        var schema = new ParquetSchema(new DataField<long>("id"), new DataField<string>("name"), new DataField<string>("code", false), new DataField<string>("city"));
        using var file = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(schema, file, new ParquetOptions { CompressionMethod = CompressionMethod.None }))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<long>(schema.DataFields[0], Enumerable.Range(1, 8).Select(i => (long)i).ToArray());
            await group.WriteAsync(schema.DataFields[1], ["plain", "@@N1@@", "\uFFFD real \uFDD0 nonchar", "four", null, "six", "@@N2@@", "@@N3@@"]);
            await group.WriteAsync(schema.DataFields[2], ["A1", "A2", "A3 \U0001F600", "@@C1@@", "A5", "@@C2@@", "A7", "A8"]);
            await group.WriteAsync(schema.DataFields[3], ["Oslo", "Oslo", "Oslo", "@@D1@@", "Oslo", "Oslo", "@@D1@@", "Oslo"]);
        }

        var bytes = file.ToArray();
        bytes = ParquetBytePatch.Replace(bytes, "@@N1@@", [(byte)'c', (byte)'a', (byte)'f', 0xE9, (byte)'!', (byte)'!']); // Latin-1 é
        bytes = ParquetBytePatch.Replace(bytes, "@@N2@@", [0x80, (byte)'a', (byte)'b', (byte)'c', (byte)'d', (byte)'e']); // a lone continuation byte
        bytes = ParquetBytePatch.Replace(bytes, "@@N3@@", [0xC0, 0xAF, (byte)'a', (byte)'b', (byte)'c', (byte)'d']); // an overlong '/'
        bytes = ParquetBytePatch.Replace(bytes, "@@C1@@", [0xED, 0xA0, 0x80, (byte)'x', (byte)'x', (byte)'x']); // an encoded surrogate
        bytes = ParquetBytePatch.Replace(bytes, "@@C2@@", [(byte)'x', (byte)'x', (byte)'x', 0xF0, 0x9F, 0x98]); // an emoji cut short
        bytes = ParquetBytePatch.Replace(bytes, "@@D1@@", [(byte)'Z', 0xFC, (byte)'r', (byte)'i', (byte)'c', (byte)'h']); // Latin-1 Zürich

        var records = await ReadAsync(bytes);

        Assert.Equal(8, records.Count);
        Assert.Equal(
            [
                null,
                $"file t.parquet row group 0 row 2: column name {Reason}",
                null,
                $"file t.parquet row group 0 row 4: column code {Reason}; column city {Reason}",
                null,
                $"file t.parquet row group 0 row 6: column code {Reason}",
                $"file t.parquet row group 0 row 7: column name {Reason}; column city {Reason}",
                $"file t.parquet row group 0 row 8: column name {Reason}",
            ],
            records.Select(r => r.Rejected));
        Assert.Equal(new object?[] { 1L, "plain", "A1", "Oslo" }, records[0].Values.Take(4));
        Assert.Equal(new object?[] { 3L, "\uFFFD real \uFDD0 nonchar", "A3 \U0001F600", "Oslo" }, records[2].Values.Take(4));
        Assert.Equal(new object?[] { 5L, null, "A5", "Oslo" }, records[4].Values.Take(4));

        // A refused cell's bytes go nowhere: not into the record, not into the reason.
        Assert.Equal(new object?[] { 2L, null, "A2", "Oslo" }, records[1].Values.Take(4));
        Assert.Equal(new object?[] { 4L, "four", null, null }, records[3].Values.Take(4));
        Assert.Equal(1, records.SelectMany(r => r.Values).Count(v => v is string s && s.Contains('\uFFFD', StringComparison.Ordinal)));
    }

    /// <summary>
    /// Files as pyarrow and Spark write them, made with ParquetSharp (Apache Arrow's C++ writer), which stores any bytes:
    /// snappy, strings dictionary-encoded (the invalid Latin-1 "Zürich" sits once in the dictionary and two rows use it),
    /// and in the second file v2 data pages with the required column DELTA_BYTE_ARRAY-encoded. Made by:
    /// <code>
    /// schema: id INT64 required, name BYTE_ARRAY STRING optional, code BYTE_ARRAY STRING required
    /// name = "Oslo", 5A FC 72 69 63 68, "Oslo", "\uFFFD ok", null, "\uFDD0 ok", 5A FC 72 69 63 68, "Oslo"
    /// code = "A1", "A2", ED A0 80 (an encoded surrogate), "A4 \U0001F600", "A5", "A6", "A7", 41 C0 AF (an overlong '/')
    /// new WriterPropertiesBuilder().Compression(Compression.Snappy).DataPageVersion(V1 | V2)
    ///     [.DisableDictionary("code").Encoding("code", Encoding.DeltaByteArray)]; ColumnWriter&lt;ByteArray&gt;.WriteBatch
    /// </code>
    /// </summary>
    [Theory]
    [InlineData(V1Dictionary, ParquetEncoding.RLE_DICTIONARY)]
    [InlineData(V2DictionaryAndDelta, ParquetEncoding.DELTA_BYTE_ARRAY)]
    public async Task Dictionary_and_delta_encoded_strings_from_another_writer_reject_rows_whose_bytes_are_not_utf8(string base64, ParquetEncoding codeEncoding)
    {
        var bytes = Convert.FromBase64String(base64);
        await using (var reader = await ParquetReader.CreateAsync(new MemoryStream(bytes)))
        {
            var fields = reader.Schema.GetDataFields();
            using var group = reader.OpenRowGroupReader(0);
            Assert.Contains(ParquetEncoding.RLE_DICTIONARY, group.GetMetadata(fields[1])!.MetaData!.Encodings);
            Assert.Contains(codeEncoding, group.GetMetadata(fields[2])!.MetaData!.Encodings);
        }

        var records = await ReadAsync(bytes);

        Assert.Equal(
            [
                null,
                $"file t.parquet row group 0 row 2: column name {Reason}",
                $"file t.parquet row group 0 row 3: column code {Reason}",
                null,
                null,
                null,
                $"file t.parquet row group 0 row 7: column name {Reason}",
                $"file t.parquet row group 0 row 8: column code {Reason}",
            ],
            records.Select(r => r.Rejected));
        Assert.Equal(new object?[] { 1L, "Oslo", "A1" }, records[0].Values.Take(3));
        Assert.Equal(new object?[] { 2L, null, "A2" }, records[1].Values.Take(3));
        Assert.Equal(new object?[] { 3L, "Oslo", null }, records[2].Values.Take(3));
        Assert.Equal(new object?[] { 4L, "\uFFFD ok", "A4 \U0001F600" }, records[3].Values.Take(3));
        Assert.Equal(new object?[] { 5L, null, "A5" }, records[4].Values.Take(3));
        Assert.Equal(new object?[] { 6L, "\uFDD0 ok", "A6" }, records[5].Values.Take(3));
    }

    private static async Task<List<SourceRecord>> ReadAsync(byte[] bytes)
    {
        var columns = await ParquetFileReader.DescribeAsync(new MemoryStream(bytes), "t.parquet", CancellationToken.None);
        Assert.All(columns.Skip(1), c => Assert.Equal(ColumnType.Text, c.Type));
        var plan = new FileReadPlan(new StoredFile("t.parquet", DateTimeOffset.UnixEpoch, bytes.Length), columns, FilesStreamSettings.From(new StreamDefinition { Name = "t", Settings = new(StringComparer.OrdinalIgnoreCase) { ["pattern"] = "*.parquet" } }));
        var records = new List<SourceRecord>();
        await foreach (var record in ParquetFileReader.ReadAsync(new MemoryStream(bytes), plan, 0, CancellationToken.None))
        {
            records.Add(record);
        }

        return records;
    }
}
