using System.Text.RegularExpressions;
using Daedalus.Configuration;

namespace Daedalus.Sources.Monday;

/// <summary>The monday source's knobs, from <c>settings:</c>; all optional.</summary>
public sealed partial record MondaySettings(
    Uri ApiUrl,
    string ApiVersion,
    int PageSize,
    TimeSpan Lookback,
    TimeSpan MaxWait,
    long MinComplexityBudget,
    bool DayFilter)
{
    public const string DefaultApiUrl = "https://api.monday.com/v2";

    /// <summary>Pinned on purpose: a missing or unknown header silently means "current", which moves every quarter.</summary>
    public const string DefaultApiVersion = "2026-10";

    public const int MaxPageSize = 500;

    public static MondaySettings From(SourceDefinition source, List<string>? errors = null)
    {
        var settings = PluginSettings.Of(source, errors);
        var url = settings.Url("apiUrl", DefaultApiUrl);
        var version = settings.Text("apiVersion", DefaultApiVersion);
        if (!VersionPattern().IsMatch(version))
        {
            settings.Error("apiVersion", $"{ErrorText.Quote(version)} is not a monday API version (YYYY-MM, e.g. {DefaultApiVersion})");
            version = DefaultApiVersion;
        }

        var result = new MondaySettings(
            url,
            version,
            (int)settings.Integer("pageSize", MaxPageSize, 1, MaxPageSize),
            TimeSpan.FromMinutes(settings.Integer("lookbackMinutes", 60, 0, 7 * 24 * 60, "minutes")),
            TimeSpan.FromSeconds(settings.Integer("maxWaitSeconds", 60, 0, 3600, "seconds")),
            settings.Integer("minComplexityBudget", 500_000, 0, 10_000_000),
            settings.Boolean("dayFilter", true));
        settings.RefuseUnknown();
        return result;
    }

    [GeneratedRegex("^[0-9]{4}-(01|04|07|10)$")]
    private static partial Regex VersionPattern();
}
