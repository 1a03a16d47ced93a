using YamlDotNet.Serialization;

namespace Daedalus.Configuration;

/// <summary>
/// <c>sources export</c>'s tables.yaml: the sources that came from tables.yaml entries and still say nothing an entry
/// cannot (one stream named like the source, a table and an optional watermark, no QA, renames, metrics, windows or
/// notifications, protection only as encryption of every column), written back as entries under one connection.
/// Everything else stays in daedalus.yaml's shape (with <c>origin: tables.yaml</c>), which reads back the same.
/// </summary>
public static class TablesFileWriter
{
    /// <summary>Splits <paramref name="sources"/> into the tables.yaml text (null when no source fits) and the sources left for daedalus.yaml.</summary>
    public static (string? Tables, IReadOnlyList<SourceDefinition> Remaining) Split(IReadOnlyList<SourceDefinition> sources)
    {
        var connections = sources.Where(s => s.Origin is null && string.Equals(s.Plugin, TablesFile.SnowflakePlugin, StringComparison.OrdinalIgnoreCase)).ToList();
        var candidates = sources.Where(s => s.Origin == TablesFile.Origin && Expressible(s)).ToList();

        // One connection per file: the one most of the tables match.
        var chosen = connections
            .Select(c => (Connection: c, Tables: candidates.Where(t => SameConnection(t, c)).ToList()))
            .OrderByDescending(p => p.Tables.Count)
            .FirstOrDefault();
        if (chosen.Connection is null || chosen.Tables.Count == 0)
        {
            return (null, sources);
        }

        var entries = chosen.Tables.Select(Entry).ToList();
        var document = new Dictionary<string, object> { ["version"] = 1, ["connection"] = chosen.Connection.Name, ["tables"] = entries };
        var yaml = new SerializerBuilder().Build().Serialize(document);
        var written = chosen.Tables.ToHashSet();
        return (yaml, [.. sources.Where(s => !written.Contains(s))]);
    }

    private static bool Expressible(SourceDefinition s)
    {
        if (s.Streams.Count != 1 || s.Window is not null || s.Metrics.Count > 0 || s.Notifications.Count > 0)
        {
            return false;
        }

        var st = s.Streams[0];
        var protectAll = st.Protect.Count == 0
            || (st.Protect.Count == 1 && st.Protect.TryGetValue(Ingest.BatchPreparer.ProtectEveryColumn, out var mode) && mode == ProtectionMode.Encrypt);
        return string.Equals(st.Name, s.Name, StringComparison.Ordinal)
            && st.Cursor is null && st.Rename.Count == 0 && st.Qa.Count == 0 && protectAll
            && st.Settings.Keys.All(k => k is "table" or "watermark")
            && st.Settings.TryGetValue("table", out var table) && table.Split('.').Length == 3
            && TablesSchedule.ToCron(TablesSchedule.FromCron(s.Schedule)) == s.Schedule
            && (st.Mode == Sources.SyncMode.Full || st.Settings.ContainsKey("watermark"));
    }

    private static bool SameConnection(SourceDefinition table, SourceDefinition connection) =>
        Same(table.Settings, connection.Settings) && Same(table.Secrets, connection.Secrets);

    private static bool Same(Dictionary<string, string> a, Dictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static Dictionary<string, object> Entry(SourceDefinition s)
    {
        var st = s.Streams[0];
        var parts = st.Settings["table"].Split('.');
        var entry = new Dictionary<string, object>
        {
            ["name"] = s.Name,
            ["snowflake"] = new Dictionary<string, string> { ["database"] = parts[0], ["schema"] = parts[1], ["table"] = parts[2] },
            ["postgres"] = new Dictionary<string, string> { ["schema"] = st.Target.Schema, ["table"] = st.Target.Table },
        };
        if (st.PrimaryKey.Count > 0)
        {
            entry["primary_key"] = st.PrimaryKey;
        }

        entry["sync_mode"] = st.Mode == Sources.SyncMode.Full ? "full" : "incremental";
        if (st.Settings.TryGetValue("watermark", out var watermark))
        {
            entry["incremental_column"] = watermark;
        }

        entry["schedule"] = TablesSchedule.FromCron(s.Schedule);
        entry["encryption"] = st.Protect.Count > 0;
        entry["compression"] = st.Compression;
        if (!s.Enabled)
        {
            entry["enabled"] = false;
        }

        return entry;
    }
}
