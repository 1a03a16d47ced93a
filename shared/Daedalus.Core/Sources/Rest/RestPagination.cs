using System.Globalization;
using System.Text.Json;

namespace Daedalus.Sources.Rest;

/// <summary>First and next request URLs of an endpoint, and the records of a page.</summary>
public static class RestPagination
{
    /// <summary>
    /// The first page's URL: source then stream <c>params</c>, the paginator's first position, and the incremental
    /// parameter from <paramref name="since"/> (a stored cursor value; the configured initial value when null).
    /// </summary>
    public static string FirstUrl(RestSettings source, RestStreamSettings stream, string path, string? since)
    {
        var parameters = new List<KeyValuePair<string, string>>(source.Params);
        parameters.AddRange(stream.Params);
        var paginator = stream.Paginator;
        switch (paginator.Kind)
        {
            case RestPaginatorKind.Offset:
                parameters.Add(new(paginator.OffsetParam, "0"));
                parameters.Add(new(paginator.LimitParam, paginator.Limit!.Value.ToString(CultureInfo.InvariantCulture)));
                break;
            case RestPaginatorKind.PageNumber:
                parameters.Add(new(paginator.PageParam, paginator.BasePage.ToString(CultureInfo.InvariantCulture)));
                if (paginator.Limit is { } size)
                {
                    parameters.Add(new(paginator.LimitParam, size.ToString(CultureInfo.InvariantCulture)));
                }

                break;
        }

        if (stream.Incremental is { } incremental)
        {
            var value = since is null ? incremental.Initial : RestCursorValue.ForRequest(since, incremental)
                ?? throw new SourceException($"the stored cursor cannot be sent as incremental.format {incremental.Format}; reset the stream or change the format");
            if (value is not null)
            {
                parameters.Add(new(incremental.Param, value));
            }
        }

        return RestUrl.Build(source.BaseUrl, path, parameters);
    }

    /// <summary>The next page's URL, or null when this page was the last (see <see cref="RestPaginatorSettings"/> for when).</summary>
    public static string? NextUrl(RestSettings source, RestPaginatorSettings paginator, RestResponse response, int records)
    {
        if (records == 0 || paginator.Kind == RestPaginatorKind.SinglePage)
        {
            return null;
        }

        if (paginator.HasMorePath.Length > 0 && RestJsonPath.TrySelect(response.Body, paginator.HasMorePath, out var more) && more.ValueKind == JsonValueKind.False)
        {
            return null;
        }

        string? next;
        switch (paginator.Kind)
        {
            case RestPaginatorKind.JsonLink:
                next = RestJsonPath.ScalarText(response.Body, paginator.NextUrlPath);
                break;
            case RestPaginatorKind.HeaderLink:
                next = response.LinkTo(paginator.Rel);
                break;
            case RestPaginatorKind.Cursor:
                var token = RestJsonPath.ScalarText(response.Body, paginator.CursorPath);
                next = token is null ? null : RestUrl.With(response.Url, paginator.CursorParam, token);
                break;
            case RestPaginatorKind.Offset:
                var offset = long.Parse(RestUrl.Get(response.Url, paginator.OffsetParam) ?? "0", CultureInfo.InvariantCulture) + records;
                if (Total(response, paginator) is { } total && offset >= total)
                {
                    return null;
                }

                next = RestUrl.With(response.Url, paginator.OffsetParam, offset.ToString(CultureInfo.InvariantCulture));
                break;
            case RestPaginatorKind.PageNumber:
                var page = long.Parse(RestUrl.Get(response.Url, paginator.PageParam) ?? paginator.BasePage.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + 1;
                if (Total(response, paginator) is { } pages && page - paginator.BasePage >= pages)
                {
                    return null;
                }

                next = RestUrl.With(response.Url, paginator.PageParam, page.ToString(CultureInfo.InvariantCulture));
                break;
            default:
                return null;
        }

        if (next is null)
        {
            return null;
        }

        if (!Uri.TryCreate(new Uri(response.Url), next, out var absolute) || absolute.Scheme is not ("http" or "https"))
        {
            throw new SourceException($"{RestUrl.PathOf(response.Url)}: the next page's link is not a URL");
        }

        if (!string.Equals(absolute.GetLeftPart(UriPartial.Authority), source.BaseUrl.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
        {
            // Credentials go only to the configured API.
            throw new SourceException($"{RestUrl.PathOf(response.Url)}: the next page's link points to {absolute.GetLeftPart(UriPartial.Authority)}, not to the base URL's host; refusing to send credentials there");
        }

        var url = absolute.AbsoluteUri;
        if (source.Auth is { Kind: RestAuthKind.ApiKey, KeyInQuery: true } auth)
        {
            // Servers that echo every parameter into their links would otherwise put the key into the stored cursor.
            url = RestUrl.Without(url, auth.KeyName);
        }

        foreach (var (name, _) in source.Auth.SecretParams)
        {
            url = RestUrl.Without(url, name);
        }

        return url == response.Url ? throw new SourceException($"{RestUrl.PathOf(response.Url)}: the next page's link is the page itself; stopping instead of looping") : url;
    }

    /// <summary>The records of a page at the stream's <c>records</c> path: an array (null counts as empty).</summary>
    public static IReadOnlyList<JsonElement> Records(RestResponse response, RestStreamSettings stream)
    {
        if (!RestJsonPath.TrySelect(response.Body, stream.RecordsPath, out var records))
        {
            throw new SourceException($"{RestUrl.PathOf(response.Url)}: the body has no '{RestJsonPath.Format(stream.RecordsPath)}' (check settings.records)");
        }

        return records.ValueKind switch
        {
            JsonValueKind.Array => [.. records.EnumerateArray()],
            JsonValueKind.Null => [],
            _ => throw new SourceException($"{RestUrl.PathOf(response.Url)}: '{RestJsonPath.Format(stream.RecordsPath)}' is {records.ValueKind.ToString().ToLowerInvariant()}, not an array of records (check settings.records)"),
        };
    }

    private static long? Total(RestResponse response, RestPaginatorSettings paginator) =>
        paginator.TotalPath.Length > 0 && RestJsonPath.ScalarText(response.Body, paginator.TotalPath) is { } text
            && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var total)
            ? total
            : null;
}
