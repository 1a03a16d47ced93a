namespace Daedalus.Sources.Rest;

/// <summary>Request URLs: a path under the base URL with query parameters, and one parameter set or removed.</summary>
public static class RestUrl
{
    public static string Build(Uri baseUrl, string path, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var url = baseUrl.AbsoluteUri.TrimEnd('/') + "/" + path.TrimStart('/');
        foreach (var (name, value) in parameters)
        {
            url = With(url, name, value);
        }

        return url;
    }

    /// <summary><paramref name="url"/> with parameter <paramref name="name"/> set to <paramref name="value"/> (replaced when present).</summary>
    public static string With(string url, string name, string value)
    {
        var stripped = Without(url, name);
        var separator = stripped.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        return $"{stripped}{separator}{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}";
    }

    /// <summary><paramref name="url"/> without parameter <paramref name="name"/> (e.g. an API key a server echoed into a next link).</summary>
    public static string Without(string url, string name)
    {
        var question = url.IndexOf('?', StringComparison.Ordinal);
        if (question < 0)
        {
            return url;
        }

        var kept = url[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(pair => !string.Equals(Uri.UnescapeDataString(pair.Split('=', 2)[0]), name, StringComparison.Ordinal))
            .ToList();
        return kept.Count == 0 ? url[..question] : $"{url[..question]}?{string.Join('&', kept)}";
    }

    /// <summary>The value of parameter <paramref name="name"/>, or null.</summary>
    public static string? Get(string url, string name)
    {
        var question = url.IndexOf('?', StringComparison.Ordinal);
        if (question < 0)
        {
            return null;
        }

        foreach (var pair in url[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (string.Equals(Uri.UnescapeDataString(parts[0]), name, StringComparison.Ordinal))
            {
                return parts.Length == 2 ? Uri.UnescapeDataString(parts[1].Replace('+', ' ')) : "";
            }
        }

        return null;
    }

    /// <summary>The path alone, for messages: queries may carry credentials or cursor values.</summary>
    public static string PathOf(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : "(invalid URL)";
}
