using Daedalus.Configuration;

namespace Daedalus.Sources.Rest;

/// <summary>
/// A rest source's <c>settings:</c>: <c>baseUrl</c> (required), default <c>headers</c> and query <c>params</c> sent
/// with every request, <c>auth</c>, <c>rateLimit</c> headers and <c>maxWaitSeconds</c> (how long one pull may
/// wait out rate limits in total before it ends early and keeps its cursor; default 60).
/// </summary>
public sealed record RestSettings(
    Uri BaseUrl,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    IReadOnlyList<KeyValuePair<string, string>> Params,
    RestAuthSettings Auth,
    RestRateLimitSettings RateLimit,
    TimeSpan MaxWait)
{
    public static RestSettings From(SourceDefinition source, List<string>? errors = null)
    {
        var problems = errors ?? [];
        var reader = new RestSettingReader(source.Settings, "settings", problems);
        var urlText = reader.Text("baseUrl");
        Uri? baseUrl = null;
        if (urlText is null)
        {
            reader.Error("baseUrl", "required (the API's absolute http(s) URL, e.g. https://api.github.com)");
        }
        else if (reader.RefuseCredentialUrl("baseUrl", urlText))
        {
            // Refused without echoing: the URL carries a credential.
        }
        else if (!Uri.TryCreate(urlText.EndsWith('/') ? urlText : urlText + "/", UriKind.Absolute, out baseUrl) || baseUrl.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(baseUrl.Query) || !string.IsNullOrEmpty(baseUrl.UserInfo))
        {
            // Echoed only when it cannot be hiding a credential in a query or user info.
            var shown = urlText.IndexOfAny(['?', '@', '#']) < 0 ? ErrorText.Quote(urlText) : "the value";
            reader.Error("baseUrl", $"{shown} is not an absolute http(s) URL without a query (put query parameters in settings.params)");
            baseUrl = null;
        }

        var headers = reader.Section("headers");
        reader.RefuseCredentials("headers", headers, inQuery: false);
        var parameters = reader.Section("params");
        reader.RefuseCredentials("params", parameters, inQuery: true);

        var settings = new RestSettings(
            baseUrl ?? new Uri("http://invalid.invalid/"),
            headers,
            parameters,
            RestAuthSettings.From(reader),
            RestRateLimitSettings.From(reader),
            TimeSpan.FromSeconds(reader.Number("maxWaitSeconds", 60, 0, 3600)));
        reader.RejectUnknown();
        if (errors is null && problems.Count > 0)
        {
            throw new SourceException($"source '{source.Name}': {string.Join("; ", problems)}");
        }

        return settings;
    }
}
