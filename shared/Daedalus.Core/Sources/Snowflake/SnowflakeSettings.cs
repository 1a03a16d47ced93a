using System.Globalization;
using Daedalus.Configuration;

namespace Daedalus.Sources.Snowflake;

/// <summary>A Snowflake source's <c>settings:</c>, parsed and checked.</summary>
public sealed record SnowflakeSettings(
    string Account,
    string? User,
    Uri BaseUrl,
    SnowflakeAuthMode Auth,
    string? Role,
    string? Warehouse,
    string? Database,
    string? Schema,
    int TimeoutSeconds,
    int MaxWaitSeconds)
{
    public const string PrivateKeySecret = "private_key";
    public const string PassphraseSecret = "private_key_passphrase";
    public const string OAuthTokenSecret = "oauth_token";

    public static SnowflakeSettings From(SourceDefinition source, List<string>? errors = null)
    {
        string? Text(string name) =>
            source.Settings.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        void Error(string message)
        {
            if (errors is null)
            {
                throw new SourceException($"source '{source.Name}': {message}");
            }

            errors.Add(message);
        }

        int Seconds(string name, int fallback, int min, int max)
        {
            var text = Text(name);
            if (text is null)
            {
                return fallback;
            }

            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }

            Error($"settings.{name}: '{text}' is not a whole number of seconds between {min} and {max}");
            return fallback;
        }

        var account = Text("account") ?? "";
        if (account.Length == 0)
        {
            Error("settings.account is required (the account identifier, e.g. myorg-myaccount)");
        }
        else if (!account.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            Error($"settings.account: '{account}' is not an account identifier (letters, digits, -, _ and .)");
        }

        var authText = Text("auth") ?? "keypair";
        var auth = authText.ToLowerInvariant() switch
        {
            "keypair" or "key_pair" or "jwt" => SnowflakeAuthMode.KeyPair,
            "oauth" => SnowflakeAuthMode.OAuth,
            _ => (SnowflakeAuthMode?)null,
        };
        if (auth is null)
        {
            Error($"settings.auth: '{authText}' is not keypair or oauth");
        }

        var user = Text("user");
        if (auth == SnowflakeAuthMode.KeyPair && user is null)
        {
            Error("settings.user is required for key-pair authentication");
        }

        var baseText = Text("baseUrl") ?? $"https://{account.ToLowerInvariant()}.snowflakecomputing.com";
        if (!Uri.TryCreate(baseText, UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttps && !baseUrl.IsLoopback))
        {
            Error($"settings.baseUrl: '{baseText}' is not an https URL (plain http is only allowed on loopback)");
            baseUrl = new Uri("https://invalid.snowflakecomputing.com");
        }

        return new SnowflakeSettings(
            account,
            user,
            baseUrl,
            auth ?? SnowflakeAuthMode.KeyPair,
            Text("role"),
            Text("warehouse"),
            Text("database"),
            Text("schema"),
            Seconds("timeoutSeconds", 600, 1, 604_800),
            Seconds("maxWaitSeconds", 900, 1, 86_400));
    }
}
