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
        var settings = PluginSettings.Of(source, errors);
        var result = new QuickBooksSettings(
            settings.Url("baseUrl", DefaultBaseUrl),
            settings.Url("tokenUrl", DefaultTokenUrl),
            (int)settings.Integer("minorVersion", DefaultMinorVersion, 75, 999),
            (int)settings.Integer("pageSize", MaxPageSize, 1, MaxPageSize),
            TimeSpan.FromSeconds(settings.Integer("maxWaitSeconds", 60, 0, 3600, "seconds")));
        settings.RefuseUnknown();
        return result;
    }
}
