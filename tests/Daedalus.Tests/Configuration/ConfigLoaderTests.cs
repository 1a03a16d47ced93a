using System.Collections;
using Daedalus.Configuration;
using Daedalus.Sources;
using Daedalus.Sources.Sample;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Tests.Configuration;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("daedalus-config").FullName;
    // Every registered plugin, as the hosts register them.
    private readonly ConfigLoader _loader = new(new SourceDefinitionValidator(
        new ServiceCollection().AddLogging().AddSourcePlugins().BuildServiceProvider().GetRequiredService<SourcePluginRegistry>()));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string relative, string yaml)
    {
        var path = Path.Combine(_directory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, yaml);
        return path;
    }

    private static readonly IDictionary NoEnvironment = new Hashtable();

    [Fact]
    public void The_shipped_config_and_every_environment_overlay_are_valid()
    {
        var path = Path.Combine(RepoRoot(), "config", "daedalus.yaml");
        var sources = _loader.Load(path, null, NoEnvironment);
        Assert.Contains(sources, s => s.Name == "sample" && s.Enabled && s.Streams.Count == 2);
        foreach (var environment in new[] { "dev", "staging", "prod" })
        {
            Assert.NotEmpty(_loader.Load(path, environment, NoEnvironment));
        }

        Assert.False(_loader.Load(path, "prod", NoEnvironment).Single(s => s.Name == "sample").Enabled);
    }

    [Fact]
    public void Malformed_config_lists_every_error_with_file_line_and_field()
    {
        var path = Write("daedalus.yaml", """
            version: 1
            sources:
              shop:
                plugin: sample
                schedule: "every five minutes"
                colour: blue
                streams:
                  customers:
                    mode: sometimes
                    target: { schema: public, table: "orders; DROP TABLE x" }
                    qa:
                      - { column: email, rule: matches, pattern: "([" }
                      - { column: name, rule: shiny }
                    protect:
                      email: scramble
                metrics:
                  - { name: m, stream: nope, time: t, aggregate: median, bucket: fortnight }
              Bad-Name:
                plugin: nosuch
            """);

        var error = Assert.Throws<ConfigException>(() => _loader.Load(path, null, NoEnvironment));

        string Find(string fieldPath) => error.Errors.Single(e => e.Path == fieldPath).ToString();
        Assert.Contains($"{path}:5: sources.shop.schedule", Find("sources.shop.schedule"), StringComparison.Ordinal);
        Assert.Contains(":6: sources.shop.colour: unknown field", Find("sources.shop.colour"), StringComparison.Ordinal);
        Assert.Contains(":9: sources.shop.streams.customers.mode: 'sometimes' is not a sync mode", Find("sources.shop.streams.customers.mode"), StringComparison.Ordinal);
        Assert.Contains("not a valid identifier", Find("sources.shop.streams.customers.target.table"), StringComparison.Ordinal);
        Assert.Contains(":12: sources.shop.streams.customers.qa[0].pattern: not a valid regular expression", Find("sources.shop.streams.customers.qa[0].pattern"), StringComparison.Ordinal);
        Assert.Contains("'shiny' is not a rule", Find("sources.shop.streams.customers.qa[1].rule"), StringComparison.Ordinal);
        Assert.Contains(":15: sources.shop.streams.customers.protect.email: 'scramble'", Find("sources.shop.streams.customers.protect.email"), StringComparison.Ordinal);
        Assert.Contains("'nope' is not a stream", Find("sources.shop.metrics[0].stream"), StringComparison.Ordinal);
        Assert.Contains("'median' is not one of", Find("sources.shop.metrics[0].aggregate"), StringComparison.Ordinal);
        Assert.Contains("'fortnight' is not a bucket", Find("sources.shop.metrics[0].bucket"), StringComparison.Ordinal);
        Assert.Contains("unknown plugin 'nosuch'", Find("sources.Bad-Name.plugin"), StringComparison.Ordinal);
        Assert.Contains("source name 'Bad-Name' is invalid", Find("sources.Bad-Name"), StringComparison.Ordinal);
        Assert.True(error.Errors.Count >= 12, string.Join("\n", error.Errors));
    }

    [Fact]
    public void Yaml_syntax_error_points_at_its_line()
    {
        var path = Write("broken.yaml", "sources:\n  shop:\n    plugin: [unclosed\n");
        var error = Assert.Throws<ConfigException>(() => _loader.Load(path, null, NoEnvironment));
        Assert.Contains(error.Errors, e => e.File == path && e.Line is >= 3 && e.Message.StartsWith("not valid YAML", StringComparison.Ordinal));
    }

    [Fact]
    public void Overlay_and_environment_variables_override_in_that_order()
    {
        var path = Write("daedalus.yaml", """
            sources:
              shop:
                plugin: sample
                schedule: "0 */5 * * * *"
                settings: { customers: 100, seed: 1 }
                streams:
                  customers: { target: { schema: shop, table: customers } }
            """);
        Write("environments/dev.yaml", """
            sources:
              shop:
                schedule: "0 * * * * *"
                settings: { customers: 50 }
            """);
        var environment = new Hashtable { ["DAEDALUS_CONFIG__sources__shop__settings__customers"] = "7", ["UNRELATED"] = "x" };

        var shop = _loader.Load(path, "dev", environment).Single();

        Assert.Equal("0 * * * * *", shop.Schedule);
        Assert.Equal("7", shop.Settings["customers"]);
        Assert.Equal("1", shop.Settings["seed"]);
    }

    [Fact]
    public void Invalid_environment_override_is_reported_against_the_variable()
    {
        var path = Write("daedalus.yaml", "sources:\n  shop:\n    plugin: sample\n    streams:\n      customers: {}\n");
        var environment = new Hashtable { ["DAEDALUS_CONFIG__sources__shop__schedule"] = "whenever" };
        var error = Assert.Throws<ConfigException>(() => _loader.Load(path, null, environment));
        Assert.Equal("environment variable DAEDALUS_CONFIG__sources__shop__schedule", error.Errors.Single().File);
    }

    [Theory]
    [InlineData("      customers:\n")]
    [InlineData("      customers: ~\n")]
    [InlineData("      customers: null\n")]
    public void An_empty_stream_entry_is_an_error_at_its_line_saying_what_to_write(string entry)
    {
        var path = Write("daedalus.yaml", "sources:\n  shop:\n    plugin: sample\n    streams:\n" + entry + "      invoices: {}\n");

        var error = Assert.Throws<ConfigException>(() => _loader.Load(path, null, NoEnvironment));

        var empty = Assert.Single(error.Errors);
        Assert.Equal(path, empty.File);
        Assert.Equal(5, empty.Line);
        Assert.Equal("sources.shop.streams.customers", empty.Path);
        Assert.Contains("customers: {}", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_explicit_empty_mapping_is_a_stream_with_the_plugins_defaults()
    {
        var path = Write("daedalus.yaml", "sources:\n  shop:\n    plugin: sample\n    streams:\n      customers: {}\n");

        var customers = _loader.Load(path, null, NoEnvironment).Single().Streams.Single();

        Assert.Equal("customers", customers.Name);
        Assert.Equal(SyncMode.Incremental, customers.Mode);
        Assert.Equal("public", customers.Target.Schema);
        Assert.Equal("customers", customers.Target.Table);
    }

    [Fact]
    public void Export_round_trips_through_the_loader()
    {
        var original = SampleSourceDefinition.Create("sample", 1234);
        var path = Write("exported.yaml", ConfigWriter.Write([original]));

        var loaded = _loader.Load(path, null, NoEnvironment).Single();

        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(original, Daedalus.Storage.SourceCatalog.Json), System.Text.Json.JsonSerializer.Serialize(loaded, Daedalus.Storage.SourceCatalog.Json));
    }

    private static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Daedalus.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
