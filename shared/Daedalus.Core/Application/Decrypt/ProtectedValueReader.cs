using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Daedalus.Configuration;
using Daedalus.Ingest;
using Daedalus.Security;
using Daedalus.Storage;
using Dapper;
using Npgsql;

namespace Daedalus.Application.Decrypt;

/// <summary>
/// Reads encrypted column values back for an operator who holds the key (<c>daedalus decrypt</c>). Every read is written
/// to <c>daedalus.audit_log</c> (action <c>decrypt</c>: actor, source/stream, table, columns, row keys, counts and key ids,
/// never a value) after the values are decrypted and before they are handed back; when that write fails nothing is
/// returned. A value that does not decrypt is audited as <c>decrypt.refused</c> (best effort) and refuses the whole read.
/// Errors are <see cref="DecryptRefusedException"/> and never carry a plaintext or ciphertext.
/// </summary>
public sealed partial class ProtectedValueReader
{
    /// <summary>Most rows one read returns.</summary>
    public const int MaxRows = 1000;

    private const string EncryptedPrefix = "enc:v1:";

    private readonly SourceCatalog _sources;
    private readonly NpgsqlDataSource _dataSource;
    private readonly ColumnProtector _protector;
    private readonly IKeyProvider _keys;
    private readonly AuditLog _audit;

    public ProtectedValueReader(SourceCatalog sources, NpgsqlDataSource dataSource, ColumnProtector protector, IKeyProvider keys, AuditLog audit)
    {
        _sources = sources;
        _dataSource = dataSource;
        _protector = protector;
        _keys = keys;
        _audit = audit;
    }

    /// <summary>Decrypts, audits as <paramref name="actor"/>, returns. Throws <see cref="DecryptRefusedException"/>.</summary>
    public async Task<DecryptedValues> ReadAsync(DecryptRequest request, string actor, CancellationToken cancellationToken)
    {
        if (request.Columns.Count == 0)
        {
            throw new DecryptRefusedException(DecryptRefusal.Invalid, "name at least one column to decrypt");
        }

        if (request.Limit is < 1 or > MaxRows)
        {
            throw new DecryptRefusedException(DecryptRefusal.Invalid, $"the limit must be between 1 and {MaxRows}");
        }

        if (request.Keys.Count > MaxRows)
        {
            throw new DecryptRefusedException(DecryptRefusal.Invalid, $"at most {MaxRows} keys per read");
        }

        var source = await _sources.GetAsync(request.Source, cancellationToken)
            ?? throw new DecryptRefusedException(DecryptRefusal.NotFound, $"There is no source named '{Printable(request.Source)}'.");
        var stream = source.Streams.FirstOrDefault(s => string.Equals(s.Name, request.Stream, StringComparison.Ordinal))
            ?? throw new DecryptRefusedException(DecryptRefusal.NotFound, $"Source '{source.Name}' has no stream '{Printable(request.Stream)}'.");
        var schema = stream.Target.Schema;
        var table = stream.Target.Table;
        var qualified = $"{schema}.{table}";

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var tableColumns = await TargetTableColumn.ReadAsync(connection, schema, table, cancellationToken);
        if (tableColumns.Count == 0)
        {
            throw new DecryptRefusedException(DecryptRefusal.NotFound, $"The target table {qualified} of {source.Name}/{stream.Name} does not exist yet (nothing was loaded).");
        }

        var keyColumns = tableColumns.Where(c => c.InPrimaryKey).OrderBy(c => c.KeyPosition).ToList();
        if (keyColumns.Count == 0)
        {
            throw new DecryptRefusedException(DecryptRefusal.Invalid, $"The target table {qualified} has no primary key.");
        }

        var columns = request.Columns.Distinct(StringComparer.Ordinal).ToList();
        foreach (var column in columns)
        {
            CheckEncrypted(source, stream, column, tableColumns.Any(c => c.Name == column), keyColumns.Any(c => c.Name == column));
        }

        var keyList = string.Join(", ", keyColumns.Select(c => SqlIdentifier.Quote(c.Name)));
        // Output columns get positional aliases: ORDER BY a column name would otherwise sort by the text cast of it.
        var select = string.Join(", ", keyColumns.Select((c, i) => $"{SqlIdentifier.Quote(c.Name)}::text AS k{i}").Concat(columns.Select((c, i) => $"{SqlIdentifier.Quote(c)}::text AS v{i}")));
        string sql;
        object parameters;
        if (request.Keys.Count > 0)
        {
            if (keyColumns.Count > 1)
            {
                throw new DecryptRefusedException(DecryptRefusal.Invalid, $"The primary key of {qualified} has {keyColumns.Count} columns ({string.Join(", ", keyColumns.Select(c => c.Name))}): select rows by limit instead of by key.");
            }

            var keyType = keyColumns[0].Type;
            if (!TypeName().IsMatch(keyType))
            {
                throw new DecryptRefusedException(DecryptRefusal.Invalid, $"The primary key of {qualified} has a type rows cannot be selected by: select rows by limit instead.");
            }

            // The key type comes from PostgreSQL's catalog (checked above), the key values are a parameter: the cast
            // lets the primary key index serve the lookup.
            sql = $"SELECT {select} FROM {SqlIdentifier.Qualified(schema, table)} WHERE {keyList} = ANY (CAST(@keys AS text[])::{keyType}[]) ORDER BY {keyList}";
            parameters = new { keys = request.Keys.Distinct(StringComparer.Ordinal).ToArray() };
        }
        else
        {
            sql = $"SELECT {select} FROM {SqlIdentifier.Qualified(schema, table)} ORDER BY {keyList} LIMIT @limit";
            parameters = new { limit = request.Limit };
        }

        var cells = new List<string?[]>();
        try
        {
            await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
            while (await reader.ReadAsync(cancellationToken))
            {
                var row = new string?[reader.FieldCount];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : reader.GetString(i);
                }

                cells.Add(row);
            }
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InvalidTextRepresentation or PostgresErrorCodes.NumericValueOutOfRange or PostgresErrorCodes.InvalidDatetimeFormat or PostgresErrorCodes.DatetimeFieldOverflow)
        {
            throw new DecryptRefusedException(DecryptRefusal.Invalid, $"A key is not a value of the primary key's type ({keyColumns[0].Type}).");
        }

        var keyIds = new SortedSet<string>(StringComparer.Ordinal);
        var rows = new List<DecryptedRow>(cells.Count);
        var decrypted = 0;
        for (var r = 0; r < cells.Count; r++)
        {
            var key = new Dictionary<string, string?>(StringComparer.Ordinal);
            for (var k = 0; k < keyColumns.Count; k++)
            {
                key[keyColumns[k].Name] = cells[r][k];
            }

            var values = new Dictionary<string, string?>(StringComparer.Ordinal);
            for (var c = 0; c < columns.Count; c++)
            {
                var stored = cells[r][keyColumns.Count + c];
                if (stored is null)
                {
                    values[columns[c]] = null;
                    continue;
                }

                var failure = await TryDecryptAsync(stored, columns[c], r + 1, keyIds, cancellationToken);
                if (failure.Error is not null)
                {
                    await AuditRefusalAsync(actor, source.Name, stream.Name, qualified, columns[c], key, failure.KeyId, cancellationToken);
                    throw failure.Error;
                }

                values[columns[c]] = failure.Plain;
                decrypted++;
            }

            rows.Add(new DecryptedRow(key, values));
        }

        var found = rows.Select(r => r.Key[keyColumns[0].Name]).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var missing = request.Keys.Distinct(StringComparer.Ordinal).Where(k => !found.Contains(k)).ToList();
        try
        {
            await _audit.WriteAsync(actor, "decrypt", $"{source.Name}/{stream.Name}", new
            {
                table = qualified,
                columns,
                rows = rows.Count,
                values = decrypted,
                keyIds,
                selectedBy = request.Keys.Count > 0 ? "key" : "limit",
                limit = request.Keys.Count > 0 ? (int?)null : request.Limit,
                rowKeys = rows.Select(r => r.Key),
                missingKeys = missing,
            }, cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            throw new DecryptRefusedException(DecryptRefusal.NotAudited, "The audit log could not be written, so nothing is decrypted (every decrypt is audited).", ex);
        }

        return new DecryptedValues(source.Name, stream.Name, qualified, columns, rows, missing);
    }

    private async Task<(string? Plain, string? KeyId, DecryptRefusedException? Error)> TryDecryptAsync(string stored, string column, int rowNumber, SortedSet<string> keyIds, CancellationToken cancellationToken)
    {
        var where = $"the value of column '{column}' in row {rowNumber} of the selection";
        var end = stored.StartsWith(EncryptedPrefix, StringComparison.Ordinal) ? stored.IndexOf(':', EncryptedPrefix.Length) : -1;
        if (end < 0)
        {
            return (null, null, new DecryptRefusedException(DecryptRefusal.KeyRefused, $"Cannot decrypt: {where} is not an enc:v1 value (altered, or stored before the column was protected)."));
        }

        var keyId = stored[EncryptedPrefix.Length..end];
        if (await _keys.GetKeyAsync(keyId, cancellationToken) is null)
        {
            return (null, keyId, new DecryptRefusedException(DecryptRefusal.KeyRefused, $"Cannot decrypt: {where} was encrypted with column key '{Printable(keyId)}', which the key provider does not have."));
        }

        try
        {
            var plain = await _protector.DecryptAsync(stored, cancellationToken);
            keyIds.Add(keyId);
            return (plain, keyId, null);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return (null, keyId, new DecryptRefusedException(DecryptRefusal.KeyRefused, $"Cannot decrypt: {where} does not authenticate with column key '{Printable(keyId)}' (the value was altered, or the key material under that id is not the one that encrypted it)."));
        }
    }

    private async Task AuditRefusalAsync(string actor, string source, string stream, string table, string column, IReadOnlyDictionary<string, string?> rowKey, string? keyId, CancellationToken cancellationToken)
    {
        try
        {
            await _audit.WriteAsync(actor, "decrypt.refused", $"{source}/{stream}", new { table, column, rowKey, keyId }, cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The read is refused either way; the refusal the operator sees matters more than its audit row.
        }
    }

    /// <summary>Only encrypted columns decrypt: the named entry of <c>protect</c> (by source column name, so a renamed column is found), else <c>"*"</c> for any column but the primary key.</summary>
    private static void CheckEncrypted(SourceDefinition source, StreamDefinition stream, string column, bool exists, bool primaryKey)
    {
        if (!exists)
        {
            throw new DecryptRefusedException(DecryptRefusal.NotFound, $"The target table {stream.Target.Schema}.{stream.Target.Table} of {source.Name}/{stream.Name} has no column '{Printable(column)}'.");
        }

        var sourceName = stream.Rename.FirstOrDefault(r => string.Equals(r.Value, column, StringComparison.Ordinal)).Key ?? column;
        ProtectionMode? mode = stream.Protect.TryGetValue(sourceName, out var named) ? named
            : !primaryKey && !string.Equals(stream.Cursor, sourceName, StringComparison.OrdinalIgnoreCase) && stream.Protect.TryGetValue(BatchPreparer.ProtectEveryColumn, out var every) ? every
            : null;
        switch (mode)
        {
            case null:
                throw new DecryptRefusedException(DecryptRefusal.Invalid, $"Column '{column}' of {source.Name}/{stream.Name} is not protected: its values are stored in plain text (read them with SQL).");
            case ProtectionMode.Hash:
                throw new DecryptRefusedException(DecryptRefusal.Invalid, $"Column '{column}' of {source.Name}/{stream.Name} is hashed (HMAC-SHA256, one-way): it cannot be decrypted; compare hashes instead.");
        }
    }

    private static string Printable(string text) => Sources.SourceService.Printable(text);

    /// <summary>A type as <c>format_type</c> spells it: words, digits, spaces, parentheses, commas (e.g. <c>character varying(64)</c>).</summary>
    [GeneratedRegex("^[a-z][a-z0-9_ ]*(\\([0-9, ]+\\))?( with(out)? time zone)?$")]
    private static partial Regex TypeName();
}
