using System.Globalization;
using Daedalus.Configuration;

namespace Daedalus.Sources;

/// <summary>
/// The one way plugins read their <c>settings:</c> maps (source level and stream level) into typed values: parsing
/// (invariant culture; numbers and booleans arrive as text from YAML and JSON alike), range checks, defaults, errors
/// as <c>"{path}.{name}: why"</c> (which the validator turns into field paths) and unknown keys refused by name.
/// Call the typed accessors for every setting the plugin knows, then <see cref="RefuseUnknown"/>.
/// </summary>
public sealed class PluginSettings
{
    private readonly IReadOnlyDictionary<string, string> _values;
    private readonly string _path;
    private readonly List<string> _errors;
    private readonly HashSet<string> _known = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="values">The settings map (keys ignore case, as in the YAML).</param>
    /// <param name="path">Where the map sits: <c>settings</c> or <c>streams.{name}.settings</c>.</param>
    /// <param name="errors">Where errors go; null collects them privately (see <see cref="Errors"/>).</param>
    public PluginSettings(IReadOnlyDictionary<string, string> values, string path, List<string>? errors = null)
    {
        _values = values;
        _path = path;
        _errors = errors ?? [];
    }

    /// <summary>Errors so far (the list passed in, when there was one).</summary>
    public IReadOnlyList<string> Errors => _errors;

    public static PluginSettings Of(SourceDefinition source, List<string>? errors = null) => new(source.Settings, "settings", errors);

    public static PluginSettings Of(StreamDefinition stream, List<string>? errors = null) => new(stream.Settings, $"streams.{stream.Name}.settings", errors);

    /// <summary>The trimmed text of a setting, or null when absent or blank.</summary>
    public string? Text(string name)
    {
        _known.Add(name);
        return _values.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
    }

    public string Text(string name, string fallback) => Text(name) ?? fallback;

    /// <summary>A whole number in [min, max]; <paramref name="unit"/> (e.g. "seconds") only words the error.</summary>
    public long Integer(string name, long fallback, long min, long max, string? unit = null)
    {
        var text = Text(name);
        if (text is null)
        {
            return fallback;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        Error(name, $"{ErrorText.Quote(text)} is not a whole number{(unit is null ? "" : $" of {unit}")} between {min.ToString("N0", CultureInfo.InvariantCulture)} and {max.ToString("N0", CultureInfo.InvariantCulture)}");
        return fallback;
    }

    /// <summary>A decimal number in [min, max] (e.g. a rate between 0 and 1).</summary>
    public double Number(string name, double fallback, double min, double max)
    {
        var text = Text(name);
        if (text is null)
        {
            return fallback;
        }

        if (double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value)
            && double.IsFinite(value) && value >= min && value <= max)
        {
            return value;
        }

        Error(name, $"{ErrorText.Quote(text)} is not a number between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}");
        return fallback;
    }

    public bool Boolean(string name, bool fallback)
    {
        var text = Text(name);
        if (text is null)
        {
            return fallback;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        Error(name, $"{ErrorText.Quote(text)} is not true or false");
        return fallback;
    }

    /// <summary>
    /// An absolute URL whose scheme <paramref name="accept"/> allows (default: http or https), refused without being
    /// repeated when it carries a credential (<see cref="PlainTextCredentialRule"/>).
    /// </summary>
    public Uri Url(string name, string fallback, Func<Uri, bool>? accept = null, string rule = "an absolute http(s) URL")
    {
        var text = Text(name) ?? fallback;
        if (PlainTextCredentialRule.UrlCredential(text) is { } credential)
        {
            Error(name, PlainTextCredentialRule.Refusal(credential, "put credentials in the secret store and name them in the source's secrets: (see the plugin's page under docs/plugins)"));
            return new Uri(fallback, UriKind.Absolute);
        }

        accept ??= url => url.Scheme is "https" or "http";
        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && accept(url))
        {
            return url;
        }

        // A malformed URL may still hold a password somewhere the credential check could not parse: not repeated.
        Error(name, $"{(text.IndexOfAny(['?', '@', '#']) < 0 ? ErrorText.Quote(text) : "the value")} is not {rule}");
        return new Uri(fallback, UriKind.Absolute);
    }

    /// <summary>One of a closed set of words (case-insensitive).</summary>
    public T Choice<T>(string name, T fallback, IReadOnlyDictionary<string, T> choices)
    {
        var text = Text(name);
        if (text is null)
        {
            return fallback;
        }

        foreach (var (word, value) in choices)
        {
            if (string.Equals(word, text, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        Error(name, $"{ErrorText.Quote(text)} is not one of {string.Join(", ", choices.Keys)}");
        return fallback;
    }

    /// <summary>Records an error on one setting (or on the map itself when <paramref name="name"/> is empty).</summary>
    public void Error(string name, string message) =>
        _errors.Add(name.Length == 0 ? $"{_path}: {message}" : $"{_path}.{name}: {message}");

    /// <summary>Refuses every key no accessor asked for, naming it; call after reading every known setting.</summary>
    public void RefuseUnknown()
    {
        foreach (var key in _values.Keys.Where(k => !_known.Contains(k)).Order(StringComparer.Ordinal))
        {
            _errors.Add($"{_path}.{ErrorText.Printable(key)}: unknown setting (known: {(_known.Count == 0 ? "none" : string.Join(", ", _known.Order(StringComparer.Ordinal)))})");
        }
    }

    /// <summary>Throws a <see cref="SourceException"/> listing the errors, for settings read at pull time.</summary>
    public void ThrowIfInvalid(string sourceName)
    {
        if (_errors.Count > 0)
        {
            throw new SourceException($"source '{sourceName}': {string.Join("; ", _errors)}");
        }
    }
}
