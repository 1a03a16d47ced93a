using System.Globalization;
using Daedalus.Configuration;

namespace Daedalus.Sources.Rest;

/// <summary>
/// Reads one flat settings map (nested YAML arrives as dotted keys, see <c>SourceConfigReader</c>) for the rest
/// plugin: typed getters that add "path: problem" sentences to <see cref="Errors"/> and remember which keys were
/// read, so a misspelt key is reported instead of silently ignored.
/// </summary>
internal sealed class RestSettingReader
{
    private readonly IReadOnlyDictionary<string, string> _values;
    private readonly string _path;
    private readonly HashSet<string> _known = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _knownPrefixes = new(StringComparer.OrdinalIgnoreCase);

    public RestSettingReader(IReadOnlyDictionary<string, string> values, string path, List<string> errors)
    {
        _values = values;
        _path = path;
        Errors = errors;
    }

    public List<string> Errors { get; }

    public void Error(string key, string message) => Errors.Add($"{_path}.{key}: {message}");

    public string? Text(string key)
    {
        _known.Add(key);
        return _values.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
    }

    public long Number(string key, long fallback, long min, long max)
    {
        var text = Text(key);
        if (text is null)
        {
            return fallback;
        }

        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        Error(key, $"'{text}' is not a whole number between {min:N0} and {max:N0}");
        return fallback;
    }

    public bool Flag(string key, bool fallback)
    {
        var text = Text(key);
        if (text is null)
        {
            return fallback;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        Error(key, $"'{text}' is not true or false");
        return fallback;
    }

    public T Choice<T>(string key, T fallback, IReadOnlyDictionary<string, T> choices)
    {
        var text = Text(key);
        if (text is null)
        {
            return fallback;
        }

        if (choices.TryGetValue(text.ToLowerInvariant(), out var value))
        {
            return value;
        }

        Error(key, $"'{text}' is not one of {string.Join(", ", choices.Keys)}");
        return fallback;
    }

    /// <summary>Every <c>prefix.name</c> key as name → value, in configuration order (headers, params, columns).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Section(string prefix)
    {
        _knownPrefixes.Add(prefix + ".");
        return [.. _values.Where(kv => kv.Key.StartsWith(prefix + ".", StringComparison.OrdinalIgnoreCase))
            .Select(kv => new KeyValuePair<string, string>(kv.Key[(prefix.Length + 1)..], kv.Value))];
    }

    /// <summary>
    /// Refuses credentials written in plain text in a header or parameter map (<see cref="PlainTextCredentialRule"/>):
    /// a credential-looking name, a credential value or a URL carrying one. Each error names the entry and says which
    /// <c>settings.auth</c> sends it by secret name instead; none repeats the value.
    /// </summary>
    public void RefuseCredentials(string prefix, IReadOnlyList<KeyValuePair<string, string>> entries, bool inQuery)
    {
        foreach (var (name, value) in entries)
        {
            var shown = ErrorText.Printable(name);
            var reason = PlainTextCredentialRule.IsCredentialName(name, headerOrParameter: true) ? $"{ErrorText.Quote(shown)} names a credential"
                : PlainTextCredentialRule.IsCredentialValue(value) ? "the value is a credential"
                : PlainTextCredentialRule.UrlCredential(value);
            if (reason is not null)
            {
                Error($"{prefix}.{shown}", PlainTextCredentialRule.Refusal(reason, AuthRemedy(shown, inQuery)));
            }
        }
    }

    /// <summary>Refuses a URL setting that carries a credential (user info, a credential query parameter); true when it does.</summary>
    public bool RefuseCredentialUrl(string key, string? url)
    {
        if (PlainTextCredentialRule.UrlCredential(url) is not { } reason)
        {
            return false;
        }

        Error(key, PlainTextCredentialRule.Refusal(reason, "put user and password in the secret store and use settings.auth (e.g. auth: { type: basic } with secrets username and password, or auth: { type: api_key, in: query, name: <parameter> } with secret api_key)"));
        return true;
    }

    /// <summary>How settings.auth sends this header or parameter from the secret store.</summary>
    private static string AuthRemedy(string name, bool inQuery) => name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
        ? "put it in the secret store and use settings.auth with its secret name: auth: { type: bearer } (secret token), auth: { type: basic } (secrets username, password), or for another scheme auth: { type: api_key, in: header, name: Authorization } (secret api_key holding the whole header value)"
        : $"put it in the secret store and use settings.auth with its secret name: auth: {{ type: api_key, in: {(inQuery ? "query" : "header")}, name: {name} }} and secrets: {{ api_key: <secret name> }}, or for a further credential auth.{(inQuery ? "params" : "headers")}.{name}: <logical secret name>";

    /// <summary>Call last: every key no getter asked for is an error (a typo would otherwise be ignored).</summary>
    public void RejectUnknown()
    {
        foreach (var key in _values.Keys)
        {
            if (!_known.Contains(key) && !_knownPrefixes.Any(p => key.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            {
                Error(key, "unknown setting for the rest plugin (see docs/plugins/rest.md)");
            }
        }
    }
}
