using System.Text.RegularExpressions;

namespace Daedalus.Configuration;

/// <summary>
/// Fields that name a secret in the secret store (<c>secrets:</c> values, webhook <c>url</c>) take names, never
/// values. A name is letters, digits, '.', '_' and '-' (at most 127, Key Vault's limit once mapped), and must not
/// look like a credential: a JWT, a bearer token, a connection string, a URL, a well-known token prefix or a long
/// random-looking run of characters. The error never repeats the value.
/// </summary>
public static partial class SecretNameRule
{
    public const string Rule = "must be the name of a secret in the secret store (letters, digits, '.', '_', '-', at most 127), not a secret value";

    /// <summary>Runs between separators at least this long are judged by their randomness.</summary>
    private const int LongRun = 24;

    private static readonly string[] TokenPrefixes = ["ghp_", "gho_", "ghs_", "ghu_", "github_pat_", "xoxb-", "xoxp-", "xoxa-", "sk_live_", "rk_live_", "AKIA", "ASIA", "AIza", "glpat-", "eyJ"];

    /// <summary>True when <paramref name="name"/> is a well-formed secret name that does not look like a credential.</summary>
    public static bool IsValid(string? name) => name is not null && NamePattern().IsMatch(name) && !LooksLikeCredential(name);

    /// <summary>
    /// Heuristics for a pasted credential. Public so the YAML reader and the API judge alike; false for ordinary
    /// names such as <c>monday-token</c>, <c>qbo.refresh_token</c> or a GUID.
    /// </summary>
    public static bool LooksLikeCredential(string value)
    {
        if (value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (value.Contains("://", StringComparison.Ordinal) || value.Contains('=', StringComparison.Ordinal) || value.Contains(';', StringComparison.Ordinal))
        {
            // URLs (webhooks), connection strings (Password=...;), SAS tokens (sig=...).
            return true;
        }

        if (JwtShape().IsMatch(value))
        {
            return true;
        }

        if (TokenPrefixes.Any(p => value.StartsWith(p, StringComparison.Ordinal) && value.Length >= p.Length + 16 && value[p.Length..].All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return true;
        }

        return value.Split(['.', '_', '-']).Any(run => run.Length >= LongRun && IsRandomLooking(run));
    }

    /// <summary>
    /// Letters and digits interleaved (at least four switches between them) with high Shannon entropy, as keys and
    /// tokens are; CamelCase words and names with a year in them are not.
    /// </summary>
    private static bool IsRandomLooking(string run)
    {
        var switches = 0;
        for (var i = 1; i < run.Length; i++)
        {
            if (char.IsAsciiDigit(run[i]) != char.IsAsciiDigit(run[i - 1]))
            {
                switches++;
            }
        }

        if (switches < 4)
        {
            return false;
        }

        var entropy = run.GroupBy(c => c).Select(g => (double)g.Count() / run.Length).Sum(p => -p * Math.Log2(p));
        return entropy >= 3.5;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,126}$")]
    private static partial Regex NamePattern();

    /// <summary>Three base64url segments separated by dots, as a JWT (header.payload.signature).</summary>
    [GeneratedRegex("^[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}$")]
    private static partial Regex JwtShape();
}
