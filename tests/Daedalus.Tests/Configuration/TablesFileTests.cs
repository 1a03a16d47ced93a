using System.Collections;
using System.Text.Json;
using Daedalus.Batching;
using Daedalus.Configuration;
using Daedalus.Ingest;
using Daedalus.Sources;
using Daedalus.Storage;
using Daedalus.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Tests.Configuration;

/// <summary>The seed's tables.yaml beside daedalus.yaml: mapping onto Snowflake sources, file-and-line errors, the export round trip, and what encryption does.</summary>
public sealed class TablesFileTests : IDisposable
{
    private const string Daedalus = """
        version: 1
        sources:
          warehouse:
            plugin: snowflake
            enabled: false
            schedule: "0 0 * * * *"
            settings: { account: myorg-myaccount, user: DAEDALUS_LOADER, auth: keypair, role: LOADER, warehouse: LOAD_WH }
            secrets: { private_key: warehouse-private_key }
            streams:
              orders:
                mode: incremental
                primaryKey: [id]
                target: { schema: snowflake, table: orders }
                settings: { table: SALES.PUBLIC.ORDERS, watermark: UPDATED_AT }
        """;

    private const string Tables = """
        version: 1
        connection: warehouse
        tables:
          - name: customers
            snowflake: { database: SALES, schema: PUBLIC, table: CUSTOMERS }
            postgres: { schema: crm, table: customers }
            primary_key: [id]
            sync_mode: incremental
            incremental_column: UPDATED_AT
            schedule: hourly
            encryption: true
            compression: true
          - name: regions
            snowflake: { database: SALES, schema: REF, table: REGIONS }
            postgres: { schema: crm, table: regions }
            primary_key: code
            sync_mode: full
            schedule: "30 2 * * 1-5"
            encryption: false
            compression: false
        """;

    private static readonly IDictionary NoEnvironment = new Hashtable();
    private readonly string _directory = Directory.CreateTempSubdirectory("daedalus-tables").FullName;
    private readonly ConfigLoader _loader = new(new SourceDefinitionValidator(
        new ServiceCollection().AddLogging().AddSourcePlugins().BuildServiceProvider().GetRequiredService<SourcePluginRegistry>()));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Entries_become_snowflake_sources_with_the_connections_settings()
    {
        var sources = Load(Daedalus, Tables);

        Assert.Equal(["warehouse", "customers", "regions"], sources.Select(s => s.Name));
        var customers = sources[1];
        Assert.Equal(("snowflake", "0 0 * * * *", TablesFile.Origin, true), (customers.Plugin, customers.Schedule, customers.Origin, customers.Enabled));
        Assert.Equal(sources[0].Settings, customers.Settings);
        Assert.Equal(sources[0].Secrets, customers.Secrets);
        var stream = Assert.Single(customers.Streams);
        Assert.Equal(("customers", SyncMode.Incremental, "crm", "customers"), (stream.Name, stream.Mode, stream.Target.Schema, stream.Target.Table));
        Assert.Equal(["id"], stream.PrimaryKey);
        Assert.Equal(new Dictionary<string, string> { ["table"] = "SALES.PUBLIC.CUSTOMERS", ["watermark"] = "UPDATED_AT" }, stream.Settings);
        Assert.Equal(ProtectionMode.Encrypt, Assert.Single(stream.Protect, p => p.Key == "*").Value);
        Assert.True(stream.Compression);

        var regions = sources[2];
        Assert.Equal("0 30 2 * * 1-5", regions.Schedule);
        Assert.Equal((SyncMode.Full, false), (regions.Streams[0].Mode, regions.Streams[0].Compression));
        Assert.Empty(regions.Streams[0].Protect);
        Assert.Equal(["code"], regions.Streams[0].PrimaryKey);
    }

    [Fact]
    public void Invalid_entries_are_reported_with_tables_yaml_file_and_line()
    {
        var path = Write(Daedalus, """
            connection: warehouse
            tables:
              - name: warehouse
                snowflake: { database: SALES, schema: PUBLIC, table: X }
                primary_key: [id]
              - name: orders_copy
                snowflake: { database: SALES, schema: PUBLIC }
                primary_key: [id]
                sync_mode: sometimes
                colour: blue
              - name: events
                snowflake: { database: SALES, schema: PUBLIC, table: EVENTS }
                primary_key: [id]
                sync_mode: incremental
                schedule: every tuesday
                encryption: maybe
              - name: lines
                snowflake: { database: SALES, schema: PUBLIC, table: LINES }
                postgres: { schema: crm, table: "Lines; DROP" }
                primary_key: [id]
            """);

        var errors = Assert.Throws<ConfigException>(() => _loader.Load(path, null, NoEnvironment)).Errors.Select(e => e.ToString()).ToList();

        var tables = Path.Combine(_directory, "tables.yaml");
        Assert.Contains($"{tables}:3: tables[0].name: 'warehouse' is already a source (in daedalus.yaml or earlier in this file)", errors);
        Assert.Contains($"{tables}:7: tables[1].snowflake.table: required", errors);
        Assert.Contains($"{tables}:9: tables[1].sync_mode: 'sometimes' is not a sync mode (full, incremental)", errors);
        Assert.Contains($"{tables}:10: tables[1].colour: unknown field (expected one of: {string.Join(", ", TablesFileReader.EntryFields)})", errors);
        Assert.Contains($"{tables}:11: tables[2].incremental_column: required for sync_mode: incremental (the column that grows when a row changes)", errors);
        Assert.Contains($"{tables}:15: tables[2].schedule: 'every tuesday' is not daily, hourly or a cron expression (5 fields, or 6 with seconds first; UTC)", errors);
        Assert.Contains($"{tables}:16: tables[2].encryption: 'maybe' is not true or false", errors);
        Assert.Contains(errors, e => e.StartsWith($"{tables}:19: tables[3].postgres: 'Lines; DROP' is not a valid identifier", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_a_connection_the_single_snowflake_source_is_used_and_an_unknown_one_is_an_error()
    {
        var bare = """
            - name: regions
              snowflake: { database: SALES, schema: REF, table: REGIONS }
              primary_key: [code]
            """;
        Assert.Equal("myorg-myaccount", Load(Daedalus, bare).Single(s => s.Name == "regions").Settings["account"]);

        var path = Write(Daedalus, "connection: nowhere\ntables:\n" + string.Join('\n', bare.Split('\n').Select(l => "  " + l)));
        var error = Assert.Single(Assert.Throws<ConfigException>(() => _loader.Load(path, null, NoEnvironment)).Errors);
        Assert.Equal($"{Path.Combine(_directory, "tables.yaml")}:1: connection: 'nowhere' is not a snowflake source in daedalus.yaml (snowflake sources: warehouse)", error.ToString());
    }

    [Fact]
    public void Export_writes_tables_yaml_back_and_applying_the_pair_gives_the_same_sources()
    {
        var loaded = Load(Daedalus, Tables);

        var (tables, remaining) = TablesFileWriter.Split(loaded);

        Assert.Equal(["warehouse"], remaining.Select(s => s.Name));
        Assert.NotNull(tables);
        Assert.Contains("connection: warehouse", tables, StringComparison.Ordinal);
        Assert.Contains("schedule: hourly", tables, StringComparison.Ordinal);
        Assert.Contains("schedule: 30 2 * * 1-5", tables, StringComparison.Ordinal);
        var again = Load(ConfigWriter.Write(remaining), tables!);
        Assert.Equal(Json(loaded), Json(again));

        // The daedalus.yaml shape alone (export to standard output) reads back the same too: origin says where they came from.
        File.Delete(Path.Combine(_directory, "tables.yaml"));
        var single = Path.Combine(_directory, "daedalus.yaml");
        File.WriteAllText(single, ConfigWriter.Write(loaded));
        Assert.Equal(Json(loaded), Json(_loader.Load(single, null, NoEnvironment)));
    }

    [Fact]
    public void A_source_edited_beyond_what_an_entry_says_is_exported_in_daedalus_yaml_shape()
    {
        var loaded = Load(Daedalus, Tables);
        loaded[2].Streams[0].Qa.Add(new QaRuleDefinition { Column = "code", Rule = "not_null" });

        var (tables, remaining) = TablesFileWriter.Split(loaded);

        Assert.Equal(["warehouse", "regions"], remaining.Select(s => s.Name));
        Assert.DoesNotContain("regions", tables, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Encryption_true_encrypts_every_column_but_the_primary_key_and_cursor()
    {
        await using var core = await CoreServices.StartAsync("tables");
        var source = Load(Daedalus, Tables)[1];
        var schema = new StreamSchema("customers", [new("id", ColumnType.Integer), new("email", ColumnType.Text), new("balance", ColumnType.Decimal), new("updated_at", ColumnType.Timestamp)], ["id"], "updated_at");
        var at = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var batch = new Batch("b1", Guid.NewGuid(), "customers", "customers", schema, [new SourceRecord([7L, "a@example.com", 12.50m, at])], null, "c", 0, at);

        var prepared = await core.Get<BatchPreparer>().PrepareAsync(batch, source, advanceCursor: true, CancellationToken.None);

        var row = Assert.Single(prepared.Rows).Values;
        Assert.Equal(7L, row[0]);
        Assert.StartsWith("enc:v1:", Assert.IsType<string>(row[1]), StringComparison.Ordinal);
        Assert.StartsWith("enc:v1:", Assert.IsType<string>(row[2]), StringComparison.Ordinal);
        Assert.Equal(at, row[3]);
        Assert.Equal([ColumnType.Integer, ColumnType.Text, ColumnType.Text, ColumnType.Timestamp], prepared.Columns.Select(c => c.Type));
        Assert.Equal("12.50", await core.Get<Daedalus.Security.ColumnProtector>().DecryptAsync((string)row[2]!, CancellationToken.None));
    }

    private List<SourceDefinition> Load(string daedalus, string tables) => [.. _loader.Load(Write(daedalus, tables), null, NoEnvironment)];

    private string Write(string daedalus, string tables)
    {
        File.WriteAllText(Path.Combine(_directory, "tables.yaml"), tables);
        var path = Path.Combine(_directory, "daedalus.yaml");
        File.WriteAllText(path, daedalus);
        return path;
    }

    private static string Json(IEnumerable<SourceDefinition> sources) => JsonSerializer.Serialize(sources, SourceCatalog.Json);
}
