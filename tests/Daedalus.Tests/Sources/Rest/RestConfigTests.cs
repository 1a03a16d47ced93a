using System.Collections;
using Daedalus.Configuration;
using Daedalus.Sources;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Tests.Sources.Rest;

/// <summary>rest sources in daedalus.yaml: nested settings flatten to dotted keys, mistakes come back with file and line, export nests them again.</summary>
public sealed class RestConfigTests : IDisposable
{
    private static readonly IDictionary NoEnvironment = new Hashtable();
    private readonly string _directory = Directory.CreateTempSubdirectory("daedalus-rest").FullName;
    private readonly ConfigLoader _loader = new(new SourceDefinitionValidator(
        new ServiceCollection().AddLogging().AddSourcePlugins().BuildServiceProvider().GetRequiredService<SourcePluginRegistry>()));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Nested_settings_flatten_to_dotted_keys_and_export_nests_them_back()
    {
        var path = Write("""
            version: 1
            sources:
              tickets:
                plugin: rest
                settings:
                  baseUrl: https://api.example.com/v2
                  auth: { type: oauth_refresh_token, tokenUrl: https://auth.example.com/token }
                  params: { locale: en }
                secrets: { refresh_token: tickets-refresh }
                streams:
                  tickets:
                    mode: full
                    primaryKey: [id]
                    settings:
                      path: /tickets
                      records: data.items
                      paginator: { type: cursor, cursorPath: meta.next }
                      columns: { id: integer, amount: decimal }
            """);

        var source = Assert.Single(_loader.Load(path, null, NoEnvironment));

        Assert.Equal("oauth_refresh_token", source.Settings["auth.type"]);
        Assert.Equal("en", source.Settings["params.locale"]);
        Assert.Equal("meta.next", source.Streams[0].Settings["paginator.cursorPath"]);
        var exported = ConfigWriter.Write([source]);
        Assert.Contains("auth:", exported, StringComparison.Ordinal);
        Assert.DoesNotContain("auth.type", exported, StringComparison.Ordinal);
        File.WriteAllText(path, exported);
        var again = Assert.Single(_loader.Load(path, null, NoEnvironment));
        Assert.Equal(source.Settings, again.Settings);
        Assert.Equal(source.Streams[0].Settings, again.Streams[0].Settings);
    }

    [Fact]
    public void Mistakes_are_reported_with_file_and_line_and_never_echo_a_pasted_credential()
    {
        var path = Write("""
            version: 1
            sources:
              tickets:
                plugin: rest
                settings:
                  baseUrl: "ftp://example.com"
                  headers: { Authorization: "Bearer sk_live_pasted" }
                  auth: { type: oauth }
                streams:
                  tickets:
                    mode: incremental
                    settings:
                      path: /tickets?page=1
                      paginatr: { type: offset }
                      columns: { id: integer, Amount: money }
            """);

        var errors = Assert.Throws<ConfigException>(() => _loader.Load(path, null, NoEnvironment)).Errors.Select(e => e.ToString()).ToList();

        // Each at the line of the field (nested YAML is walked like any other path), with the field path.
        string At(int line, string field) => $"{path}:{line}: sources.tickets.{field}: ";
        Assert.Contains(At(6, "settings.baseUrl") + "'ftp://example.com' is not an absolute http(s) URL without a query (put query parameters in settings.params)", errors);
        Assert.Contains(errors, e => e.StartsWith(At(7, "settings.headers.Authorization") + "'Authorization' names a credential; " + "credentials are never written in settings in plain text", StringComparison.Ordinal) && e.Contains("settings.auth", StringComparison.Ordinal));
        Assert.Contains(At(8, "settings.auth.type") + "'oauth' is not one of none, bearer, api_key, basic, oauth_client_credentials, oauth_refresh_token", errors);
        Assert.Contains(At(13, "streams.tickets.settings.path") + "must be a path under baseUrl without a query (put query parameters in params)", errors);
        Assert.Contains(At(14, "streams.tickets.settings.paginatr.type") + "unknown setting for the rest plugin (see docs/plugins/rest.md)", errors);
        Assert.Contains(At(15, "streams.tickets.settings.columns.Amount") + "'Amount' is not a valid column name: " + Daedalus.Storage.SqlIdentifier.Rule + " (a nested field a.b is the column a__b)", errors);
        Assert.Contains(At(11, "streams.tickets.primaryKey") + "required for rest streams (the field(s) that identify a record, e.g. [id])", errors);
        Assert.Contains(At(11, "streams.tickets.cursor") + "required for incremental rest streams (the field that grows when a record changes, e.g. updated_at); or use mode: full", errors);
        Assert.DoesNotContain(errors, e => e.Contains("sk_live_pasted", StringComparison.Ordinal));
    }

    private string Write(string yaml)
    {
        var path = Path.Combine(_directory, "daedalus.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
