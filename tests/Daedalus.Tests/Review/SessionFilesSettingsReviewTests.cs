using System.Text.Json;
using Daedalus.Configuration;
using Daedalus.Sources.Files;
using Daedalus.Storage;

namespace Daedalus.Tests.Review;

/// <summary>
/// Hostile review of 36a3d35 (files: unknown source settings refused). The unknown-key check compares names
/// case-insensitively, but a source read back from the catalog (SourceCatalog deserializes the stored JSON) has a
/// case-sensitive Settings dictionary, so the value lookup misses a key spelt in another case: accepted at apply,
/// honoured by apply-time validation, silently the default at pull time.
/// </summary>
public sealed class SessionFilesSettingsReviewTests
{
    [Fact]
    public void A_setting_spelt_in_another_case_is_honoured_at_apply_and_after_the_catalog_round_trip_never_silently_dropped()
    {
        var applied = new SourceDefinition
        {
            Name = "exports",
            Plugin = FilesSourcePlugin.PluginName,
            Settings = new(StringComparer.OrdinalIgnoreCase) { ["folder"] = "/data/exports", ["SettleSeconds"] = "60" },
        };
        var atApply = new List<string>();
        Assert.Equal(60, FilesSettings.From(applied, atApply).SettleSeconds);
        Assert.Empty(atApply);

        // What a pull sees: the definition as SourceCatalog stores and reads it.
        var stored = JsonSerializer.Deserialize<SourceDefinition>(JsonSerializer.Serialize(applied, SourceCatalog.Json), SourceCatalog.Json)!;
        var atPull = new List<string>();
        var settings = FilesSettings.From(stored, atPull);

        // Either refused by name or honoured: never the default 5 without a word.
        Assert.True(atPull.Count > 0 || settings.SettleSeconds == 60, $"settleSeconds at pull time: {settings.SettleSeconds}, errors: {atPull.Count}");
    }
}
