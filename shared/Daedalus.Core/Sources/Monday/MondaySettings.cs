using System.Globalization;
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
        string Text(string name, string fallback) =>
            source.Settings.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : fallback;

        long Number(string name, long fallback, long min, long max)
        {
            if (!source.Settings.TryGetValue(name, out var text) || string.IsNullOrWhiteSpace(text))
            {
                return fallback;
            }

            if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }

            errors?.Add($"settings.{name}: '{text}' is not a whole number between {min:N0} and {max:N0}");
            return fallback;
        }

        var urlText = Text("apiUrl", DefaultApiUrl);
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
        {
            errors?.Add($"settings.apiUrl: '{urlText}' is not an absolute http(s) URL");
            url = new Uri(DefaultApiUrl);
        }

        var version = Text("apiVersion", DefaultApiVersion);
        if (!VersionPattern().IsMatch(version))
        {
            errors?.Add($"settings.apiVersion: '{version}' is not a monday API version (YYYY-MM, e.g. {DefaultApiVersion})");
            version = DefaultApiVersion;
        }

        var dayFilterText = Text("dayFilter", "true");
        if (!bool.TryParse(dayFilterText, out var dayFilter))
        {
            errors?.Add($"settings.dayFilter: '{dayFilterText}' is not true or false");
            dayFilter = true;
        }

        return new MondaySettings(
            url,
            version,
            (int)Number("pageSize", MaxPageSize, 1, MaxPageSize),
            TimeSpan.FromMinutes(Number("lookbackMinutes", 60, 0, 7 * 24 * 60)),
            TimeSpan.FromSeconds(Number("maxWaitSeconds", 60, 0, 3600)),
            Number("minComplexityBudget", 500_000, 0, 10_000_000),
            dayFilter);
    }

    [GeneratedRegex("^[0-9]{4}-(01|04|07|10)$")]
    private static partial Regex VersionPattern();
}
