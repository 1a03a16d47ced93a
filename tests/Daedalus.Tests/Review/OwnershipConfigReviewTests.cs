using System.Collections;
using Daedalus.Configuration;
using Daedalus.Sources;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Tests.Review;

/// <summary>Hostile review of "one table, one owner" in daedalus.yaml and tables.yaml (defaults on both sides).</summary>
public sealed class OwnershipConfigReviewTests : IDisposable
{
    private const string Warehouse = """
        version: 1
        sources:
          warehouse:
            plugin: snowflake
            enabled: false
            settings: { account: myorg-myaccount, user: DAEDALUS_LOADER, auth: keypair, role: LOADER, warehouse: LOAD_WH }
            secrets: { private_key: warehouse-private_key }
            streams:
              orders:
                primaryKey: [id]
                settings: { table: SALES.PUBLIC.ORDERS, watermark: UPDATED_AT }
        """;

    private static readonly IDictionary NoEnvironment = new Hashtable();
    private readonly string _directory = Directory.CreateTempSubdirectory("daedalus-owner-review").FullName;
    private readonly ConfigLoader _loader = new(new SourceDefinitionValidator(
        new ServiceCollection().AddLogging().AddSourcePlugins().BuildServiceProvider().GetRequiredService<SourcePluginRegistry>()));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string yaml)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    private List<string> Errors(string path)
    {
        var exception = Record.Exception(() => _loader.Load(path, null, NoEnvironment));
        var config = Assert.IsType<ConfigException>(exception);
        return config.Errors.Select(e => e.ToString()).ToList();
    }

    [Fact]
    public void A_daedalus_yaml_default_target_and_a_tables_yaml_entry_with_schema_omitted_clash()
    {
        var path = Write("daedalus.yaml", Warehouse);
        Write("tables.yaml", """
            version: 1
            connection: warehouse
            tables:
              - name: orders_copy
                snowflake: { database: SALES, schema: PUBLIC, table: ORDERS_COPY }
                postgres: { table: orders }
                primary_key: [id]
                sync_mode: full
            """);

        Assert.Contains(Errors(path), e => e.Contains("public.orders", StringComparison.Ordinal));
    }

    [Fact]
    public void A_tables_yaml_default_target_and_a_daedalus_yaml_default_target_on_one_name_clash()
    {
        var path = Write("daedalus.yaml", Warehouse);
        Write("tables.yaml", """
            version: 1
            connection: warehouse
            tables:
              - name: orders
                snowflake: { database: SALES, schema: PUBLIC, table: ORDERS }
                primary_key: [id]
                sync_mode: full
            """);

        Assert.Contains(Errors(path), e => e.Contains("orders", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_tables_yaml_entries_on_one_table_clash()
    {
        var path = Write("daedalus.yaml", Warehouse.Replace("              orders:", "              lines:", StringComparison.Ordinal));
        Write("tables.yaml", """
            version: 1
            connection: warehouse
            tables:
              - name: orders
                snowflake: { database: SALES, schema: PUBLIC, table: ORDERS }
                primary_key: [id]
                sync_mode: full
              - name: orders_v2
                snowflake: { database: SALES, schema: PUBLIC, table: ORDERS_V2 }
                postgres: { schema: public, table: orders }
                primary_key: [id]
                sync_mode: full
            """);

        Assert.Contains(Errors(path), e => e.Contains("public.orders", StringComparison.Ordinal));
    }
}
