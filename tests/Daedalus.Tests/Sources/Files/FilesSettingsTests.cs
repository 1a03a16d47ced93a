using Daedalus.Configuration;
using Daedalus.Sources.Files;

namespace Daedalus.Tests.Sources.Files;

public sealed class FilesSettingsTests
{
    [Theory]
    [InlineData("settleSecond", "60")]
    [InlineData("acountUrl", "https://myaccount.blob.core.windows.net")]
    [InlineData("pattern", "*.csv")]
    public void A_misspelt_or_misplaced_source_setting_is_refused_by_name_instead_of_falling_back_to_the_default(string key, string value)
    {
        var errors = new List<string>();
        FilesSettings.From(Source((key, value)), errors);

        var error = Assert.Single(errors);
        Assert.StartsWith($"settings.{key}: unknown setting (known: accountUrl, clientId, container, folder, settleSeconds)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Known_settings_are_accepted_in_any_case_as_the_reader_looks_them_up()
    {
        var errors = new List<string>();
        var settings = FilesSettings.From(Source(("SettleSeconds", "30")), errors);

        Assert.Empty(errors);
        Assert.Equal(30, settings.SettleSeconds);
    }

    [Fact]
    public void A_credential_under_an_unknown_name_is_reported_once_as_a_credential_without_its_value()
    {
        var errors = new List<string>();
        FilesSettings.From(Source(("sas", "https://acct.blob.core.windows.net/c?sv=2024-01-01&sig=c2VjcmV0")), errors);

        var error = Assert.Single(errors);
        Assert.StartsWith("settings.sas: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", error, StringComparison.Ordinal);
        Assert.DoesNotContain("unknown setting", error, StringComparison.Ordinal);
    }

    private static SourceDefinition Source(params (string Key, string Value)[] extra)
    {
        var source = new SourceDefinition
        {
            Name = "exports",
            Plugin = FilesSourcePlugin.PluginName,
            Settings = new(StringComparer.OrdinalIgnoreCase) { ["folder"] = "/data/exports" },
        };
        foreach (var (key, value) in extra)
        {
            source.Settings[key] = value;
        }

        return source;
    }
}
