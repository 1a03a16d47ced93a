using System.Collections;
using Daedalus.Configuration;
using Daedalus.Sources;
using Daedalus.Sources.Sample;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Tests.Configuration;

/// <summary>
/// One target table, one owner, in configuration files: two sources of daedalus.yaml, a tables.yaml entry and a
/// daedalus.yaml source, or two streams of one source on one table are a ConfigError with file, line and field that
/// names the owner. And sample sources made in code no longer share a schema.
/// </summary>
public sealed class TargetOwnershipConfigTests : IDisposable
{
    private const string Shop = """
        version: 1
        sources:
          shop:
            plugin: sample
            settings: { customers: 10 }
            streams:
              customers:
                target: { schema: sales, table: customers }
              invoices:
                target: { schema: sales, table: invoices }
        """;

    private static readonly IDictionary NoEnvironment = new Hashtable();
    private readonly string _directory = Directory.CreateTempSubdirectory("daedalus-owner").FullName;
    private readonly ConfigLoader _loader = new(new SourceDefinitionValidator(
        new ServiceCollection().AddLogging().AddSourcePlugins().BuildServiceProvider().GetRequiredService<SourcePluginRegistry>()));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string yaml)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    private List<string> Errors(string path) =>
        Assert.Throws<ConfigException>(() => _loader.Load(path, null, NoEnvironment)).Errors.Select(e => e.ToString()).ToList();

    [Fact]
    public void Two_sources_of_daedalus_yaml_on_one_table_are_an_error_at_the_later_naming_the_owner_and_its_line()
    {
        var path = Write("daedalus.yaml", Shop + """

              copycat:
                plugin: sample
                settings: { customers: 10 }
                streams:
                  customers:
                    target: { schema: sales, table: customers }
            """);

        var error = Assert.Single(Errors(path));

        Assert.Equal(
            $"{path}:16: sources.copycat.streams.customers.target: table sales.customers is already the target of stream 'customers' of source 'shop': {TargetOwnership.Rule} ({path}:8)",
            error);
    }

    [Fact]
    public void A_stream_without_target_collides_on_its_default_public_table()
    {
        var path = Write("daedalus.yaml", """
            version: 1
            sources:
              one:
                plugin: sample
                settings: { customers: 10 }
                streams:
                  customers: { mode: incremental }
              two:
                plugin: sample
                settings: { customers: 10 }
                streams:
                  customers:
                    target: { schema: public, table: customers }
            """);

        Assert.Contains(Errors(path), e => e.Contains("sources.two.streams.customers.target: table public.customers is already the target of stream 'customers' of source 'one'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_tables_yaml_entry_on_a_daedalus_yaml_table_is_an_error_in_tables_yaml()
    {
        var path = Write("daedalus.yaml", """
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
                    target: { schema: snowflake, table: orders }
                    settings: { table: SALES.PUBLIC.ORDERS, watermark: UPDATED_AT }
            """);
        var tables = Write("tables.yaml", """
            version: 1
            connection: warehouse
            tables:
              - name: orders_again
                snowflake: { database: SALES, schema: PUBLIC, table: ORDERS }
                postgres: { schema: snowflake, table: orders }
                primary_key: [id]
                sync_mode: full
            """);

        var error = Assert.Single(Errors(path));

        Assert.StartsWith($"{tables}:6: tables[0].postgres: table snowflake.orders is already the target of stream 'orders' of source 'warehouse'", error, StringComparison.Ordinal);
        Assert.EndsWith($"({path}:11)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_streams_of_one_source_on_one_table_name_the_other_stream()
    {
        var path = Write("daedalus.yaml", Shop.Replace("{ schema: sales, table: invoices }", "{ schema: sales, table: customers }", StringComparison.Ordinal));

        var error = Assert.Single(Errors(path));

        Assert.StartsWith($"{path}:10: sources.shop.streams.invoices.target: table sales.customers is already the target of stream 'customers' of this source", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_sources_made_in_code_each_get_a_schema_of_their_own()
    {
        var sources = new[] { "shop", "crm", "daedalus", "pg_stats" }.Select(n => SampleSourceDefinition.Create(n, 10)).ToList();

        Assert.Empty(TargetOwnership.Clashes(sources));
        Assert.Equal(["shop", "crm", "s_daedalus", "s_pg_stats"], sources.Select(s => s.Streams[0].Target.Schema));
        var validator = new SourceDefinitionValidator(new ServiceCollection().AddLogging().AddSourcePlugins().BuildServiceProvider().GetRequiredService<SourcePluginRegistry>());
        Assert.All(sources, s => Assert.Empty(validator.Validate(s, "$")));
    }
}
