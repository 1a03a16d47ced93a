using Daedalus.Configuration;
using Daedalus.Sources;
using Daedalus.Sources.Sample;
using Microsoft.Extensions.DependencyInjection;

namespace Daedalus.Tests.Sources;

/// <summary>
/// Credentials written in plain text in any plugin's settings are refused by field, naming what to use instead and
/// never repeating the value; ordinary headers, parameters and URLs still pass.
/// </summary>
public sealed class PluginCredentialSettingsTests
{
    private const string Secret = "s3cr3t-Val_ue-42";

    private static readonly SourceDefinitionValidator Validator = new(
        new ServiceCollection().AddLogging().AddSourcePlugins().BuildServiceProvider().GetRequiredService<SourcePluginRegistry>());

    public static TheoryData<string, string, string> RestForms() => new()
    {
        { "settings", "headers.X-Api-Key", Secret },
        { "settings", "headers.Cookie", $"session={Secret}" },
        { "settings", "headers.Proxy-Authorization", $"Basic {Secret}" },
        { "settings", "headers.X-Auth-Token", Secret },
        { "settings", "headers.Private-Token", Secret },
        { "settings", "headers.authorization", $"token {Secret}" },
        { "settings", "headers.X-Custom", $"Bearer {Secret}" },
        { "settings", "params.api_key", Secret },
        { "settings", "params.access_token", Secret },
        { "settings", "params.token", Secret },
        { "settings", "params.client_secret", Secret },
        { "settings", "params.signature", Secret },
        { "settings", "params.sig", Secret },
        { "settings", "params.password", Secret },
        { "settings", "params.key", Secret },
        { "settings", "baseUrl", $"https://user:{Secret}@api.example.com" },
        { "settings", "auth.tokenUrl", $"https://auth.example.com/token?client_secret={Secret}" },
        { "settings", "auth.headers.X-App-Key", $"Bearer {Secret}" },
        { "streams.issues.settings", "params.access_token", Secret },
        { "streams.issues.settings", "params.redirect", $"https://u:{Secret}@example.com/" },
    };

    [Theory]
    [MemberData(nameof(RestForms))]
    public void Rest_refuses_each_plain_credential_at_its_field_pointing_to_auth(string where, string key, string value)
    {
        var source = Rest();
        (where == "settings" ? source.Settings : source.Streams[0].Settings)[key] = value;

        var errors = Validator.Validate(source, "$");

        var error = Assert.Single(errors, e => e.Path == $"$.{where}.{key}");
        Assert.Contains("settings.auth", error.Message, StringComparison.Ordinal);
        Assert.Contains("secret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(errors, e => e.ToString().Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public void Rest_accepts_ordinary_headers_and_params()
    {
        var source = Rest();
        source.Settings["headers.Accept"] = "application/vnd.github+json";
        source.Settings["headers.X-GitHub-Api-Version"] = "2022-11-28";
        source.Settings["params.per_page"] = "100";
        source.Settings["auth.type"] = "api_key";
        source.Settings["auth.in"] = "query";
        source.Settings["auth.name"] = "access_token";
        source.Settings["auth.headers.X-App-Key"] = "app_key";
        source.Settings["auth.params.token"] = "user_token";
        source.Streams[0].Settings["params.state"] = "all";
        source.Streams[0].Settings["params.page_token"] = "first";

        Assert.Empty(Validator.Validate(source, "$"));
    }

    public static TheoryData<string, string, string, string> OtherPluginForms() => new()
    {
        { "monday", "settings", "apiUrl", $"https://user:{Secret}@api.monday.com/v2" },
        { "quickbooks", "settings", "tokenUrl", $"https://oauth.example.com/token?client_secret={Secret}" },
        { "snowflake", "settings", "baseUrl", $"https://user:{Secret}@acme.snowflakecomputing.com" },
        { "snowflake", "settings", "role", $"https://acme.snowflakecomputing.com/?password={Secret}" },
        { "files", "settings", "accountUrl", $"http://acct.blob.core.windows.net/?sv=2024-01-01&sig={Secret}" },
        { "files", "settings", "folder", $"https://acct.blob.core.windows.net/c?sv=2024-01-01&sig={Secret}" },
        { "files", "settings", "container", $"https://acct.blob.core.windows.net/c?sig={Secret}" },
        { "files", "settings", "sasToken", $"sv=2024-01-01&sig={Secret}" },
        { "files", "settings", "connectionString", $"DefaultEndpointsProtocol=https;AccountName=a;AccountKey={Secret}" },
        { "files", "streams.s.settings", "pattern", $"https://acct.blob.core.windows.net/c/*.csv?sig={Secret}" },
        { "sample", "settings", "password", Secret },
    };

    [Theory]
    [MemberData(nameof(OtherPluginForms))]
    public void Every_plugin_refuses_plain_credentials_in_its_settings_without_repeating_them(string plugin, string where, string key, string value)
    {
        var source = Minimal(plugin);
        (where == "settings" ? source.Settings : source.Streams[0].Settings)[key] = value;

        var errors = Validator.Validate(source, "$");

        Assert.Contains(errors, e => e.Path == $"$.{where}.{key}" && e.Message.Contains("credentials are never written in settings in plain text", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.ToString().Contains(Secret, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("monday")]
    [InlineData("quickbooks")]
    [InlineData("snowflake")]
    [InlineData("files")]
    [InlineData("sample")]
    public void The_minimal_definitions_above_are_valid(string plugin) => Assert.Empty(Validator.Validate(Minimal(plugin), "$"));

    private static SourceDefinition Rest() => new()
    {
        Name = "api",
        Plugin = "rest",
        Settings = new(StringComparer.OrdinalIgnoreCase) { ["baseUrl"] = "https://api.example.com" },
        Streams = [new StreamDefinition { Name = "issues", Mode = SyncMode.Full, PrimaryKey = ["id"], Target = new TargetTable { Schema = "api", Table = "issues" }, Settings = new(StringComparer.OrdinalIgnoreCase) { ["path"] = "/issues" } }],
    };

    private static SourceDefinition Minimal(string plugin)
    {
        if (plugin == "sample")
        {
            return SampleSourceDefinition.Create("s", 10, targetSchema: "s");
        }

        var (settings, stream) = plugin switch
        {
            "monday" => (new Dictionary<string, string>(), new Dictionary<string, string> { ["boardId"] = "123" }),
            "quickbooks" => (new Dictionary<string, string>(), new Dictionary<string, string>()),
            "snowflake" => (new Dictionary<string, string> { ["account"] = "acme", ["user"] = "loader" }, new Dictionary<string, string> { ["table"] = "orders", ["watermark"] = "updated_at" }),
            _ => (new Dictionary<string, string> { ["folder"] = "/data" }, new Dictionary<string, string> { ["pattern"] = "*.csv" }),
        };
        return new SourceDefinition
        {
            Name = "s",
            Plugin = plugin,
            Settings = new(settings, StringComparer.OrdinalIgnoreCase),
            Streams = [new StreamDefinition { Name = plugin == "quickbooks" ? "customer" : "s", PrimaryKey = ["id"], Cursor = "updated_at", Target = new TargetTable { Schema = "s", Table = "t" }, Settings = new(stream, StringComparer.OrdinalIgnoreCase) }],
        };
    }
}
