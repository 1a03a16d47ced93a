using System.Text;
using System.Text.Json;

namespace Daedalus.Security;

/// <summary>
/// Removes the secret values a pull resolved from any text about to be written (run errors, logs, events), whatever a
/// source echoed back: each value as it is, trimmed, URL-encoded, JSON-escaped, base64 (also of <c>a:b</c> pairs, as
/// HTTP Basic sends a client id and secret) and, for multi-line values such as a PEM key, each long line. Thread-safe;
/// one per pull (<see cref="Sources.SourceContext.Redactor"/>).
/// </summary>
public sealed class SecretRedactor
{
    public const string Mask = "[redacted]";

    /// <summary>Shorter values are not redacted: masking every "1" or "ab" would garble messages and hide nothing.</summary>
    public const int MinLength = 4;

    private readonly Lock _gate = new();
    private readonly List<string> _secrets = [];
    private string[] _forms = [];

    /// <summary>Remembers a secret value (and its encodings) so later <see cref="Redact"/> calls mask it.</summary>
    public void Add(string? secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Trim().Length < MinLength)
        {
            return;
        }

        lock (_gate)
        {
            if (_secrets.Contains(secret, StringComparer.Ordinal))
            {
                return;
            }

            var forms = new HashSet<string>(_forms, StringComparer.Ordinal);
            foreach (var form in FormsOf(secret))
            {
                forms.Add(form);
            }

            foreach (var other in _secrets)
            {
                forms.Add(Base64($"{other}:{secret}"));
                forms.Add(Base64($"{secret}:{other}"));
            }

            _secrets.Add(secret);

            // Longest first, so a value containing another is masked whole.
            _forms = [.. forms.Where(f => f.Length >= MinLength).OrderByDescending(f => f.Length).ThenBy(f => f, StringComparer.Ordinal)];
        }
    }

    /// <summary><paramref name="text"/> with every known secret form replaced by <see cref="Mask"/>.</summary>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        var forms = Volatile.Read(ref _forms);
        foreach (var form in forms)
        {
            if (text.Contains(form, StringComparison.Ordinal))
            {
                text = text.Replace(form, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }

    private static IEnumerable<string> FormsOf(string secret)
    {
        var trimmed = secret.Trim();
        yield return secret;
        yield return trimmed;
        yield return Uri.EscapeDataString(trimmed);
        yield return System.Net.WebUtility.UrlEncode(trimmed);
        yield return JsonEncodedText.Encode(trimmed).ToString();
        yield return JsonSerializer.Serialize(trimmed)[1..^1];
        yield return Base64(trimmed);
        yield return Convert.ToBase64String(Encoding.UTF8.GetBytes(trimmed)).TrimEnd('=');
        foreach (var line in trimmed.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(l => l.Length >= 16))
        {
            yield return line;
        }
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
