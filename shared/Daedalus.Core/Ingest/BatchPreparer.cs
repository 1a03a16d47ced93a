using Daedalus.Batching;
using Daedalus.Configuration;
using Daedalus.Security;
using Daedalus.Sources;

namespace Daedalus.Ingest;

/// <summary>
/// Validate → transform → protect, in memory, for one batch. Rows failing a QA rule are set aside for
/// quarantine (never dropped); the rest are renamed and their protected columns encrypted or hashed.
/// </summary>
public sealed class BatchPreparer
{
    /// <summary>The rule name of quarantine rows whose cells the plugin could not decode.</summary>
    public const string DecodeRule = "decode";

    /// <summary>The <c>protect:</c> key that stands for every column except the primary key and the cursor.</summary>
    public const string ProtectEveryColumn = "*";

    /// <summary>Why a primary key column cannot be encrypted.</summary>
    public const string EncryptedKeyRule = "a primary key column cannot be encrypted (ciphertext is random, so the same key would never match); use hash";

    /// <summary>Why the cursor column cannot be protected at all.</summary>
    public const string ProtectedCursorRule = "the cursor column cannot be protected: the merge keeps the newer version of a row by comparing cursor values in order, and neither ciphertext nor a hash keeps their order (newer rows would be skipped as stale)";

    private readonly ColumnProtector _protector;

    public BatchPreparer(ColumnProtector protector)
    {
        _protector = protector;
    }

    public async ValueTask<PreparedBatch> PrepareAsync(Batch batch, SourceDefinition source, bool advanceCursor, CancellationToken cancellationToken)
    {
        var stream = source.FindStream(batch.Stream)
            ?? throw new ConfigException([new ConfigError($"sources.{source.Name}.streams", $"stream '{batch.Stream}' is not configured")]);
        if (batch.Protected)
        {
            return FromProtected(batch, source, stream, advanceCursor);
        }

        var schema = batch.Schema;
        var rules = stream.Qa.Select(r => QaRule.Bind(r, schema)).ToList();

        // Column plan: target name, target type and how the value is protected.
        var columns = new ColumnSchema[schema.Columns.Count];
        var protection = new ProtectionMode?[schema.Columns.Count];
        foreach (var (column, mode) in stream.Protect)
        {
            if (column != ProtectEveryColumn && schema.IndexOf(column) < 0)
            {
                throw new ConfigException([new ConfigError($"sources.{source.Name}.streams.{stream.Name}.protect.{column}", $"stream {stream.Name} has no column '{column}'")]);
            }
        }

        var primaryKey = (stream.PrimaryKey.Count > 0 ? stream.PrimaryKey : schema.PrimaryKey).ToList();
        var cursorField = stream.Cursor ?? schema.CursorField;

        // "*" protects every column but the primary key and cursor (which must stay comparable); named entries win.
        ProtectionMode? everyColumn = stream.Protect.TryGetValue(ProtectEveryColumn, out var wildcard) ? wildcard : null;
        var keyOrCursor = primaryKey.Append(cursorField).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < schema.Columns.Count; i++)
        {
            var column = schema.Columns[i];
            var name = stream.Rename.TryGetValue(column.Name, out var renamed) ? renamed : column.Name;
            protection[i] = stream.Protect.TryGetValue(column.Name, out var mode) ? mode : keyOrCursor.Contains(column.Name) ? null : everyColumn;
            columns[i] = new ColumnSchema(name, protection[i] is null ? column.Type : ColumnType.Text);
        }

        string Target(string sourceName) => stream.Rename.TryGetValue(sourceName, out var renamed) ? renamed : sourceName;
        foreach (var key in primaryKey.Append(cursorField).OfType<string>())
        {
            var index = schema.IndexOf(key);
            if (index < 0)
            {
                throw new ConfigException([new ConfigError($"sources.{source.Name}.streams.{stream.Name}", $"key or cursor column '{key}' is not a column of the stream")]);
            }

            if (key == cursorField && protection[index] is not null)
            {
                throw new ConfigException([new ConfigError($"sources.{source.Name}.streams.{stream.Name}.protect.{key}", ProtectedCursorRule)]);
            }

            if (protection[index] == ProtectionMode.Encrypt)
            {
                throw new ConfigException([new ConfigError($"sources.{source.Name}.streams.{stream.Name}.protect.{key}", EncryptedKeyRule)]);
            }
        }

        if (primaryKey.Count == 0)
        {
            throw new ConfigException([new ConfigError($"sources.{source.Name}.streams.{stream.Name}.primaryKey", "the stream has no primary key")]);
        }

        var keyIndexes = primaryKey.Select(schema.IndexOf).ToArray();
        var loadCheck = new RowLoadCheck(stream.Name, new StreamSchema(stream.Name, columns, primaryKey, cursorField), keyIndexes);
        var anyProtected = protection.Any(p => p is not null);
        var records = batch.Records;

        // QA and protection are CPU-bound per row: split big batches across cores, each part with its own
        // protector (AES-GCM and HMAC instances are not thread-safe), then join the parts in order.
        var parts = records.Count >= 4_000 && (anyProtected || rules.Count > 0) ? Math.Min(Environment.ProcessorCount, 8) : 1;
        var results = new (List<SourceRecord> Rows, List<QuarantinedRow> Quarantined)[parts];
        var size = (records.Count + parts - 1) / parts;
        var protectors = new ColumnProtector.BoundProtector?[parts];
        try
        {
            for (var p = 0; p < parts; p++)
            {
                protectors[p] = anyProtected ? await _protector.BindAsync(cancellationToken) : null;
            }

            Parallel.For(0, parts, new ParallelOptions { CancellationToken = cancellationToken }, p =>
                results[p] = PreparePart(records, p * size, Math.Min(records.Count, (p + 1) * size), schema, rules, loadCheck, protection, protectors[p]));
        }
        finally
        {
            foreach (var protector in protectors)
            {
                protector?.Dispose();
            }
        }

        var rows = parts == 1 ? results[0].Rows : Join(results.Select(r => r.Rows).ToList());
        var quarantined = parts == 1 ? results[0].Quarantined : Join(results.Select(r => r.Quarantined).ToList());
        var duplicates = DuplicateKeys.Any(rows, keyIndexes);

        return new PreparedBatch(
            batch with { Records = [] }, // the raw rows are not needed past this point (see StagedBatch)
            stream.Target,
            columns,
            primaryKey.Select(Target).ToList(),
            cursorField is null ? null : Target(cursorField),
            rows,
            quarantined,
            duplicates,
            source.Metrics.Where(m => string.Equals(m.Stream, stream.Name, StringComparison.OrdinalIgnoreCase)).ToList(),
            advanceCursor);
    }

    /// <summary>
    /// The shape a batch travels in on the queue: validated, renamed and protected at the puller, so the queue,
    /// claim-check blobs and the poison queue never hold protected columns in clear.
    /// </summary>
    public static Batch ToProtected(PreparedBatch prepared)
    {
        var batch = prepared.Batch;
        var schema = new StreamSchema(batch.Stream, prepared.Columns, prepared.PrimaryKey, prepared.CursorColumn);
        return batch with { Schema = schema, Records = prepared.Rows, Protected = true, Quarantined = prepared.Quarantined };
    }

    private static PreparedBatch FromProtected(Batch batch, SourceDefinition source, StreamDefinition stream, bool advanceCursor)
    {
        var keyIndexes = batch.Schema.PrimaryKey.Select(batch.Schema.IndexOf).ToArray();
        if (keyIndexes.Length == 0 || keyIndexes.Any(i => i < 0))
        {
            throw new Batching.BatchFormatException($"protected batch {batch.BatchId} has no usable primary key");
        }

        var duplicates = DuplicateKeys.Any(batch.Records, keyIndexes);
        return new PreparedBatch(
            batch,
            stream.Target,
            batch.Schema.Columns,
            batch.Schema.PrimaryKey,
            batch.Schema.CursorField,
            batch.Records,
            batch.Quarantined ?? [],
            duplicates,
            source.Metrics.Where(m => string.Equals(m.Stream, stream.Name, StringComparison.OrdinalIgnoreCase)).ToList(),
            advanceCursor);
    }

    private static (List<SourceRecord> Rows, List<QuarantinedRow> Quarantined) PreparePart(
        IReadOnlyList<SourceRecord> records,
        int start,
        int end,
        StreamSchema schema,
        List<QaRule> rules,
        RowLoadCheck loadCheck,
        ProtectionMode?[] protection,
        ColumnProtector.BoundProtector? protector)
    {
        var rows = new List<SourceRecord>(Math.Max(0, end - start));
        var quarantined = new List<QuarantinedRow>();
        for (var i = start; i < end; i++)
        {
            var record = records[i];
            if (record.Rejected is { } undecodable)
            {
                quarantined.Add(new QuarantinedRow(DecodeRule, undecodable, QuarantineRowJson.Write(schema.Columns, Protect(record.Values, protection, protector))));
                continue;
            }

            if (!record.IsDeleted)
            {
                string? failure = null;
                QaRule? failed = null;
                foreach (var rule in rules)
                {
                    failure = rule.Check(record.Values);
                    if (failure is not null)
                    {
                        failed = rule;
                        break;
                    }
                }

                if (failed is not null)
                {
                    quarantined.Add(new QuarantinedRow(failed.Description, failure!, QuarantineRowJson.Write(schema.Columns, Protect(record.Values, protection, protector))));
                    continue;
                }
            }

            if (loadCheck.CheckRead(record.Values) is { } unreadable)
            {
                quarantined.Add(new QuarantinedRow(RowLoadCheck.RuleName, unreadable, QuarantineRowJson.Write(schema.Columns, Protect(record.Values, protection, protector))));
                continue;
            }

            var values = Protect(record.Values, protection, protector);
            if (loadCheck.Check(values) is { } refused)
            {
                quarantined.Add(new QuarantinedRow(RowLoadCheck.RuleName, refused, QuarantineRowJson.Write(schema.Columns, values)));
                continue;
            }

            rows.Add(new SourceRecord(values, record.IsDeleted));
        }

        return (rows, quarantined);
    }

    /// <summary>The parts in order, in one list allocated at its final size (no growth copies).</summary>
    private static List<T> Join<T>(IReadOnlyList<List<T>> parts)
    {
        var joined = new List<T>(parts.Sum(p => p.Count));
        foreach (var part in parts)
        {
            joined.AddRange(part);
        }

        return joined;
    }

    private static object?[] Protect(object?[] values, ProtectionMode?[] protection, ColumnProtector.BoundProtector? bound)
    {
        if (bound is null)
        {
            return values;
        }

        var result = (object?[])values.Clone();
        for (var i = 0; i < result.Length; i++)
        {
            if (protection[i] is { } mode && result[i] is { } value)
            {
                var plain = CellText.Format(value);
                result[i] = mode == ProtectionMode.Encrypt ? bound.Encrypt(plain) : bound.Hash(plain);
            }
        }

        return result;
    }
}
