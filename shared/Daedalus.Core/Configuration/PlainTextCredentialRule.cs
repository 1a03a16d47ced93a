using System.Text;
using System.Text.RegularExpressions;

namespace Daedalus.Configuration;

/// <summary>
/// Settings never hold a credential in plain text: it would be stored in <c>daedalus.sources</c>, exported to YAML and
/// read back by every read-scoped API key. Every plugin judges its settings with this rule: header and query
/// parameter names that name a credential (<c>X-Api-Key</c>, <c>Cookie</c>, <c>access_token</c>, <c>sig</c>...),
/// values that are one (<c>Bearer ...</c>, a JWT, a well-known token prefix) and URLs that carry one (user info, a
/// credential-looking query parameter such as a SAS <c>sig</c>). Names are judged by their words, case-insensitively,
/// so <c>tokenUrl</c>, <c>page_token</c> or <c>sort_key</c> are not credentials. Messages never repeat the value.
/// </summary>
public static partial class PlainTextCredentialRule
{
    /// <summary>What a read answer shows instead of a stored value this rule refuses (a secret is never read back).</summary>
    public const string Masked = "***";

    private const string RefusalMark = "credentials are never written in settings in plain text (the value is not repeated here)";

    /// <summary>The refusal: why the setting holds a credential and what to do instead (<paramref name="remedy"/>, plugin-specific).</summary>
    public static string Refusal(string reason, string remedy) => $"{reason}; {RefusalMark}: {remedy}";

    /// <summary>True when <paramref name="message"/> is one of this rule's refusals (so a field is not refused twice).</summary>
    public static bool IsRefusal(string message) => message.Contains(RefusalMark, StringComparison.Ordinal);

    /// <summary>Words that make a header, parameter or setting name a credential on their own.</summary>
    private static readonly HashSet<string> CredentialWords = new(StringComparer.Ordinal)
    {
        "authorization", "password", "passwd", "passphrase", "pwd", "pass", "passcode", "secret", "secrets", "token", "tokens",
        "sig", "signature", "credential", "credentials", "cookie", "cookies", "bearer", "jwt", "sas", "apikey", "apitoken",
        "accesstoken", "authtoken", "accesskey", "privatekey", "secretkey", "sessionid", "sessiontoken", "key",
    };

    /// <summary>Words before "key" that make it a credential (<c>api_key</c>, <c>Ocp-Apim-Subscription-Key</c>); <c>sort_key</c> is not.</summary>
    private static readonly HashSet<string> KeyQualifiers = new(StringComparer.Ordinal)
    {
        "api", "access", "auth", "private", "secret", "subscription", "app", "application", "client", "consumer", "signing",
        "master", "shared", "account", "license", "developer", "user", "session", "encryption", "x",
    };

    /// <summary>Runs of a name written as one word that still name a credential (<c>XAPIKEY</c>, <c>clientsecret</c>).</summary>
    private static readonly string[] CredentialRuns =
        ["password", "passwd", "secret", "authorization", "credential", "apikey", "accesstoken", "accesskey", "authtoken", "apitoken", "privatekey", "signature", "cookie", "bearer", "connectionstring"];

    /// <summary>The runs of <see cref="CredentialRuns"/> made of two words, checked across the words of a longer name.</summary>
    private static readonly string[] CompoundRuns = ["apikey", "accesstoken", "accesskey", "authtoken", "apitoken", "privatekey", "connectionstring"];

    /// <summary>A last word that says the setting is about a credential, not one: <c>tokenUrl</c>, <c>token_type</c>, <c>auth.name</c>.</summary>
    private static readonly HashSet<string> Descriptors = new(StringComparer.Ordinal)
    {
        "url", "uri", "endpoint", "path", "param", "parameter", "name", "header", "type", "hint", "method", "version",
        "algorithm", "format", "location", "expiry", "expires", "ttl", "length", "scope",
    };

    /// <summary>Words that make "token" a pagination or size term: <c>page_token</c>, <c>nextPageToken</c>, <c>max_tokens</c>.</summary>
    private static readonly HashSet<string> PaginationWords = new(StringComparer.Ordinal)
    {
        "page", "pagination", "paging", "next", "prev", "previous", "continuation", "resumption", "cursor", "sync", "delta", "skip", "max", "min", "count", "limit",
    };

    private static readonly string[] AuthSchemes = ["Bearer ", "Basic ", "Digest ", "Token ", "Bot ", "Negotiate ", "ApiKey ", "SharedKey ", "SharedAccessSignature "];

    private static readonly string[] TokenPrefixes = ["ghp_", "gho_", "ghs_", "ghu_", "github_pat_", "glpat-", "xoxb-", "xoxp-", "xoxa-", "sk_live_", "rk_live_", "sk-", "AKIA", "ASIA", "AIza"];

    /// <summary>Words that name a credential as a header or query parameter (<c>?auth=</c>, <c>Authentication:</c>) but are a plugin's own setting elsewhere (Snowflake's <c>auth: keypair</c>).</summary>
    private static readonly HashSet<string> EntryOnlyWords = new(StringComparer.Ordinal) { "auth", "authentication" };

    /// <summary>
    /// True when a header, query parameter or setting name names a credential (case-insensitive);
    /// <paramref name="headerOrParameter"/> for an entry of a header or parameter map, where "auth" alone is one too.
    /// </summary>
    public static bool IsCredentialName(string name, bool headerOrParameter = false)
    {
        var words = Words(name);
        if (words.Count == 0 || Descriptors.Contains(words[^1]))
        {
            return false;
        }

        var paging = words.Any(PaginationWords.Contains);
        for (var i = 0; i < words.Count; i++)
        {
            // "token2", "key1": a numbered credential is one too.
            var word = words[i].TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
            if (word == "key")
            {
                // "key" alone (Google's ?key=) or after a qualifier (api_key, X-Key is "x key"); sort_key, primary_key are not.
                if (words.Count == 1 || (i > 0 && KeyQualifiers.Contains(words[i - 1])))
                {
                    return true;
                }
            }
            else if (word is "token" or "tokens" ? !paging : CredentialWords.Contains(word) || (headerOrParameter && EntryOnlyWords.Contains(word)))
            {
                return true;
            }
        }

        // A name written as one word (XAPIKEY, clientsecret); names of several words were judged word by word above, so
        // include_signatures or passwordless_login are not credentials.
        // Compound runs also across words (connection_string, X-API-Key written apart).
        var run = string.Concat(words);
        return words.Count == 1
            ? CredentialRuns.Any(r => run.Contains(r, StringComparison.Ordinal))
            : CompoundRuns.Any(r => run.Contains(r, StringComparison.Ordinal));
    }

    /// <summary>
    /// True when a value is a credential whatever its name: an auth scheme and token, a JWT, a well-known token prefix,
    /// or <c>name=value</c> pairs (a connection string, a SAS query) with a credential-looking name (<c>AccountKey=</c>, <c>sig=</c>).
    /// </summary>
    public static bool IsCredentialValue(string value)
    {
        var text = value.Trim();
        if (AuthSchemes.Any(s => text.StartsWith(s, StringComparison.OrdinalIgnoreCase) && text.Length > s.Length))
        {
            return true;
        }

        // name=value pairs: a connection string or a SAS query (two pairs or more). One pair alone must name a credential
        // more strongly than Google's bare "key" (a Jira filter "key=PROJ-123" is not one).
        var pairs = text.Split([';', '&'], StringSplitOptions.RemoveEmptyEntries).Select(pair => pair.Split('=', 2)).ToList();
        if (pairs.Any(pair => pair.Length == 2 && PairName().IsMatch(pair[0].Trim()) && IsCredentialName(pair[0].Trim())
            && (pairs.Count > 1 || !pair[0].Trim().Equals("key", StringComparison.OrdinalIgnoreCase))))
        {
            return true;
        }

        return JwtShape().IsMatch(text)
            || TokenPrefixes.Any(p => text.StartsWith(p, StringComparison.Ordinal) && text.Length >= p.Length + 16 && text[p.Length..].All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
    }

    /// <summary>
    /// Why a URL carries a credential (user info, or a query parameter whose name is a credential, e.g. a SAS
    /// <c>sig</c>), or null when it carries none or is not a URL. The reason names the parameter, never a value.
    /// </summary>
    public static string? UrlCredential(string? text)
    {
        if (text is null)
        {
            return null;
        }

        // Not only "scheme://": "https:/user:pw@host", "https:\\\\user:pw@host" and a bare "user:pw@host/path" are
        // read as URLs by some clients, and an error quoting them would repeat the password.
        var scheme = SchemePrefix().Match(text);
        var rest = text[scheme.Length..].TrimStart('/', '\\');
        var authorityEnd = rest.IndexOfAny(['/', '?', '#', '\\']);
        var authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        var at = authority.LastIndexOf('@');
        // Without a scheme an e-mail address (no ':' before its '@') is not user info.
        if (at >= 0 && (scheme.Success || authority[..at].Contains(':', StringComparison.Ordinal)))
        {
            return "the URL carries user info (user:password@host)";
        }

        // A query only where the text is a URL or a path (a SQL text's "?" bind markers are not one).
        var queryStart = scheme.Success || text.StartsWith('/') ? text.IndexOf('?', StringComparison.Ordinal) : -1;
        if (queryStart < 0)
        {
            return null;
        }

        var query = text[(queryStart + 1)..];
        var fragment = query.IndexOf('#', StringComparison.Ordinal);
        foreach (var pair in (fragment < 0 ? query : query[..fragment]).Split(['&', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            var name = Uri.UnescapeDataString(pair.Split('=', 2)[0].Replace('+', ' '));
            if (IsCredentialName(name))
            {
                return $"the URL's query carries the credential-looking parameter {ErrorText.Quote(ErrorText.Printable(name))}";
            }
        }

        return null;
    }

    /// <summary>
    /// True when a stored setting (a flat key as stored, e.g. <c>headers.X-Api-Key</c>) holds a credential this rule
    /// refuses: a credential-named entry of a free-form map (<c>headers.*</c>, <c>params.*</c>) or an undotted key
    /// (no plugin knows one by such a name), a credential value, or a URL carrying one. Read answers mask these, so a
    /// definition stored before the rule existed does not hand its credential to API readers.
    /// </summary>
    public static bool IsPlainCredentialSetting(string key, string? value)
    {
        var lastDot = key.LastIndexOf('.');
        var freeForm = lastDot < 0 || FreeFormMap().IsMatch(key);
        if (freeForm && IsCredentialName(key[(lastDot + 1)..], headerOrParameter: lastDot >= 0))
        {
            return true;
        }

        return value is not null && (IsCredentialValue(value) || UrlCredential(value) is not null);
    }

    /// <summary>A name cut into lower-case words at separators and case changes: <c>X-APIKey</c> → x, api, key.</summary>
    private static List<string> Words(string name)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!char.IsAsciiLetterOrDigit(c))
            {
                Flush();
                continue;
            }

            var startsWord = word.Length > 0 && char.IsAsciiLetterUpper(c)
                && (!char.IsAsciiLetterUpper(name[i - 1]) || (i + 1 < name.Length && char.IsAsciiLetterLower(name[i + 1])));
            if (startsWord)
            {
                Flush();
            }

            word.Append(char.ToLowerInvariant(c));
        }

        Flush();
        return words;

        void Flush()
        {
            if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }
    }

    /// <summary>Three base64url segments separated by dots, as a JWT (header.payload.signature).</summary>
    [GeneratedRegex("^[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}$")]
    private static partial Regex JwtShape();

    /// <summary>The name of a connection-string or query pair: one identifier (a SQL text with spaces around '=' is not a pair).</summary>
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex SchemePrefix();

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex PairName();

    /// <summary>
    /// A key of the free-form header and parameter maps, at any depth of the settings (e.g. <c>params.api_key</c>), but
    /// not under <c>auth.</c>, where rest's <c>auth.headers.X-Api-Key</c> maps a header to a secret's name.
    /// </summary>
    [GeneratedRegex("^(?!auth\\.)(?:[^.]+\\.)*?(?:headers|params)\\..+$", RegexOptions.IgnoreCase)]
    private static partial Regex FreeFormMap();
}
