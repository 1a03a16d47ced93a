using System.Globalization;
using Daedalus.Configuration;

namespace Daedalus.Sources.QuickBooks;

/// <summary>The QuickBooks source's knobs, from <c>settings:</c>; all optional.</summary>
public sealed record QuickBooksSettings(Uri BaseUrl, Uri TokenUrl, int MinorVersion, int PageSize, TimeSpan MaxWait)
{
    public const string DefaultBaseUrl = "https://quickbooks.api.intuit.com";
    public const string DefaultTokenUrl = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer";

    /// <summary>Pinned: 1–74 are ignored since August 2025 and 75 is the default; pinning keeps a future default from changing shapes.</summary>
    public const int DefaultMinorVersion = 75;

    /// <summary>MAXRESULTS above 1000 is a QueryValidationError.</summary>
    public const int MaxPageSize = 1000;

    public static QuickBooksSettings From(SourceDefinition source, List<string>? errors = null)
    {
        string Text(string name, string fallback) =>
            source.Settings.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : fallback;

        int Number(string name, int fallback, int min, int max)
        {
            if (!source.Settings.TryGetValue(name, out var text) || string.IsNullOrWhiteSpace(text))
            {
                return fallback;
            }

            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }

            errors?.Add($"settings.{name}: '{text}' is not a whole number between {min:N0} and {max:N0}");
            return fallback;
        }

        Uri Url(string name, string fallback)
        {
            var text = Text(name, fallback);
            if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "https" or "http")
            {
                return url;
            }

            errors?.Add($"settings.{name}: '{text}' is not an absolute http(s) URL");
            return new Uri(fallback);
        }

        return new QuickBooksSettings(
            Url("baseUrl", DefaultBaseUrl),
            Url("tokenUrl", DefaultTokenUrl),
            Number("minorVersion", DefaultMinorVersion, 75, 999),
            Number("pageSize", MaxPageSize, 1, MaxPageSize),
            TimeSpan.FromSeconds(Number("maxWaitSeconds", 60, 0, 3600)));
    }
}
