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
        else if (!Uri.TryCreate(urlText.EndsWith('/') ? urlText : urlText + "/", UriKind.Absolute, out baseUrl) || baseUrl.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(baseUrl.Query))
        {
            reader.Error("baseUrl", $"'{urlText}' is not an absolute http(s) URL without a query (put query parameters in settings.params)");
            baseUrl = null;
        }

        var headers = reader.Section("headers");
        foreach (var (name, _) in headers)
        {
            if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                // Not echoed: a credential pasted here must not travel into an error message either.
                reader.Error($"headers.{name}", "credentials go in settings.auth with a secret name, never in headers");
            }
        }

        var settings = new RestSettings(
            baseUrl ?? new Uri("http://invalid.invalid/"),
            headers,
            reader.Section("params"),
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
