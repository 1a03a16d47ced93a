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

    private static readonly Dictionary<string, SnowflakeAuthMode> AuthModes = new()
    {
        ["keypair"] = SnowflakeAuthMode.KeyPair,
        ["key_pair"] = SnowflakeAuthMode.KeyPair,
        ["jwt"] = SnowflakeAuthMode.KeyPair,
        ["oauth"] = SnowflakeAuthMode.OAuth,
    };

    /// <summary>The settings; with <paramref name="errors"/> null an invalid setting throws a <see cref="SourceException"/>.</summary>
    public static SnowflakeSettings From(SourceDefinition source, List<string>? errors = null)
    {
        var settings = PluginSettings.Of(source, errors);
        var account = settings.Text("account") ?? "";
        if (account.Length == 0)
        {
            settings.Error("account", "is required (the account identifier, e.g. myorg-myaccount)");
        }
        else if (!account.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            settings.Error("account", $"{ErrorText.Quote(account)} is not an account identifier (letters, digits, -, _ and .)");
        }

        var auth = settings.Choice("auth", SnowflakeAuthMode.KeyPair, AuthModes);
        var user = settings.Text("user");
        if (auth == SnowflakeAuthMode.KeyPair && user is null)
        {
            settings.Error("user", "is required for key-pair authentication");
        }

        var baseUrl = settings.Url(
            "baseUrl",
            account.Length > 0 && account.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
                ? $"https://{account.ToLowerInvariant()}.snowflakecomputing.com"
                : "https://invalid.snowflakecomputing.com",
            url => url.Scheme == Uri.UriSchemeHttps || url.IsLoopback,
            "an https URL (plain http is only allowed on loopback)");
        var result = new SnowflakeSettings(
            account,
            user,
            baseUrl,
            auth,
            settings.Text("role"),
            settings.Text("warehouse"),
            settings.Text("database"),
            settings.Text("schema"),
            (int)settings.Integer("timeoutSeconds", 600, 1, 604_800, "seconds"),
            (int)settings.Integer("maxWaitSeconds", 900, 1, 86_400, "seconds"));
        settings.RefuseUnknown();
        if (errors is null)
        {
            settings.ThrowIfInvalid(source.Name);
        }

        return result;
    }
}
