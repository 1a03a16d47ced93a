using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Daedalus.Configuration;
using Daedalus.Storage;
using Microsoft.Extensions.Logging;

namespace Daedalus.Sources.Snowflake;

/// <summary>
/// Snowflake through the SQL API v2. A stream is a table or a SELECT; its schema is the rowType of the statement run
/// with <c>WHERE 1 = 0</c>. A read runs <c>SELECT * FROM (...) [WHERE watermark &gt;= ?] ORDER BY watermark</c> with the
/// stored watermark as a typed binding, then pages through every result partition; each partition is one page
/// whose cursor is the highest watermark seen so far. A partition whose results expired (404) re-runs the
/// statement from that watermark. An optional soft-delete flag column turns rows into deleted records.
/// </summary>
public sealed class SnowflakeSourcePlugin : ISourcePlugin, IDisposable
{
    public const string PluginName = "snowflake";
    private const int MaxReexecutions = 3;

    private readonly ConcurrentDictionary<string, (string KeyId, SnowflakeJwtGenerator Generator)> _keys = new(StringComparer.Ordinal);

    public string Name => PluginName;

    public IEnumerable<string> Validate(SourceDefinition source)
    {
        var errors = new List<string>();
        SnowflakeSettings.From(source, errors);
        foreach (var stream in source.Streams)
        {
            SnowflakeStreamSettings.From(stream, errors);
        }

        return errors;
    }

    public async ValueTask<StreamSchema> DescribeAsync(SourceContext context, StreamDefinition stream, CancellationToken cancellationToken)
    {
        var client = await ConnectAsync(context, cancellationToken);
        var settings = SnowflakeStreamSettings.From(stream);
        var result = await client.ExecuteAsync(settings.DescribeStatement(), null, cancellationToken);
        var schema = Schema(stream, settings, result.ResultSetMetaData.RowType);
        context.Logger.LogInformation("Snowflake stream {Stream}: {Columns} columns, watermark {Watermark}", stream.Name, schema.Columns.Count, schema.CursorField ?? "(none)");
        return schema;
    }

    public async IAsyncEnumerable<SourcePage> ReadAsync(SourceContext context, StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var client = await ConnectAsync(context, cancellationToken);
        var settings = SnowflakeStreamSettings.From(request.Stream);
        var mark = request.Cursor is not null && settings.Watermark is not null ? SnowflakeWatermark.Parse(request.Cursor) : null;
        for (var execution = 0; ; execution++)
        {
            var bindings = mark is null ? null : new Dictionary<string, SnowflakeBinding> { ["1"] = mark.ToBinding() };
            var result = await client.ExecuteAsync(settings.ReadStatement(mark is not null), bindings, cancellationToken);
            var plan = ReadPlan.Create(request.Schema, settings, result.ResultSetMetaData.RowType);
            var partitions = result.PartitionCount;
            context.Logger.LogInformation("Snowflake stream {Stream}: statement {Handle} returned {Rows} rows in {Partitions} partitions", request.Stream.Name, result.StatementHandle, result.ResultSetMetaData.NumRows, partitions);

            var expired = false;
            for (var partition = 0; partition < partitions; partition++)
            {
                var rows = partition == 0 ? result.Data : await FetchAsync(client, result.StatementHandle, partition, cancellationToken);
                if (rows is null)
                {
                    expired = true;
                    break;
                }

                if (result.ResultSetMetaData.PartitionInfo is { } info && partition < info.Count && info[partition].RowCount != rows.Count)
                {
                    throw new SourceException($"Snowflake partition {partition} of statement {result.StatementHandle} has {rows.Count} rows, its metadata says {info[partition].RowCount}");
                }

                var records = new List<SourceRecord>(rows.Count);
                foreach (var row in rows)
                {
                    records.Add(plan.Decode(row, ref mark));
                }

                yield return new SourcePage(records, mark?.ToString());
            }

            if (!expired)
            {
                yield break;
            }

            if (execution >= MaxReexecutions)
            {
                throw new SourceException($"Snowflake results kept expiring while reading stream {request.Stream.Name} ({MaxReexecutions} re-runs)");
            }

            context.Logger.LogWarning("Snowflake results of stream {Stream} expired mid-read; re-running from watermark {Watermark}", request.Stream.Name, mark?.ToString() ?? "(start)");
        }
    }

    public void Dispose()
    {
        foreach (var (_, (_, generator)) in _keys)
        {
            generator.Dispose();
        }

        _keys.Clear();
    }

    internal static StreamSchema Schema(StreamDefinition stream, SnowflakeStreamSettings settings, IReadOnlyList<SnowflakeColumn> rowType)
    {
        var columns = new List<ColumnSchema>(rowType.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var column in rowType)
        {
            var name = SqlIdentifier.Normalize(column.Name);
            if (!names.Add(name))
            {
                throw new SourceException($"stream {stream.Name}: two columns become '{name}' once normalised; alias one of them in a query stream");
            }

            columns.Add(new ColumnSchema(name, SnowflakeValueDecoder.ColumnTypeOf(column)));
        }

        string? cursor = null;
        if (settings.WatermarkColumn is { } watermark)
        {
            var index = IndexOf(rowType, watermark);
            if (index < 0)
            {
                throw new SourceException($"stream {stream.Name}: watermark column {watermark} is not in the result (columns: {string.Join(", ", rowType.Select(c => c.Name))})");
            }

            if (!SnowflakeWatermark.IsSupported(rowType[index]))
            {
                throw new SourceException($"stream {stream.Name}: watermark column {watermark} is {rowType[index].Type}; use a number, text, date, time or timestamp column");
            }

            cursor = columns[index].Name;
        }

        if (settings.DeletedColumn is { } deleted && IndexOf(rowType, deleted) < 0)
        {
            throw new SourceException($"stream {stream.Name}: deletedColumn {deleted} is not in the result");
        }

        foreach (var key in stream.PrimaryKey.Where(k => !names.Contains(k)))
        {
            throw new SourceException($"stream {stream.Name}: primary key column '{key}' is not in the result (columns as loaded: {string.Join(", ", names)})");
        }

        return new StreamSchema(stream.Name, columns, stream.PrimaryKey, cursor);
    }

    internal static int IndexOf(IReadOnlyList<SnowflakeColumn> rowType, string name)
    {
        for (var i = 0; i < rowType.Count; i++)
        {
            if (string.Equals(rowType[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        for (var i = 0; i < rowType.Count; i++)
        {
            if (string.Equals(rowType[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static async Task<IReadOnlyList<string?[]>?> FetchAsync(SnowflakeStatementsClient client, string handle, int partition, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetPartitionAsync(handle, partition, cancellationToken);
        }
        catch (SnowflakeApiException ex) when (ex.IsHandleGone)
        {
            return null;
        }
    }

    private async Task<SnowflakeStatementsClient> ConnectAsync(SourceContext context, CancellationToken cancellationToken)
    {
        var settings = SnowflakeSettings.From(context.Source);
        SnowflakeAuthenticator auth;
        if (settings.Auth == SnowflakeAuthMode.OAuth)
        {
            auth = SnowflakeAuthenticator.OAuth(await context.SecretAsync(SnowflakeSettings.OAuthTokenSecret, cancellationToken), context.Clock);
        }
        else
        {
            var pem = await context.SecretAsync(SnowflakeSettings.PrivateKeySecret, cancellationToken);
            var passphrase = pem.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal)
                ? await context.SecretAsync(SnowflakeSettings.PassphraseSecret, cancellationToken)
                : null;

            // Keyed by a hash of the key material, so a rotated key replaces the cached signer.
            var keyId = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{settings.Account}\n{settings.User}\n{pem}\n{passphrase}")));
            var entry = _keys.AddOrUpdate(
                context.Source.Name,
                _ => (keyId, new SnowflakeJwtGenerator(settings.Account, settings.User!, pem, passphrase)),
                (_, existing) =>
                {
                    if (existing.KeyId == keyId)
                    {
                        return existing;
                    }

                    existing.Generator.Dispose();
                    return (keyId, new SnowflakeJwtGenerator(settings.Account, settings.User!, pem, passphrase));
                });
            auth = SnowflakeAuthenticator.KeyPair(entry.Generator, context.Clock);
        }

        return new SnowflakeStatementsClient(context.Http, settings, auth, context.Clock, context.Logger, context.RetryWaits);
    }
}
