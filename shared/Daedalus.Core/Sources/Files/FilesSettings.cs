using System.Globalization;
using Daedalus.Configuration;

namespace Daedalus.Sources.Files;

/// <summary>
/// A <c>files</c> source's <c>settings:</c>. Exactly one of <c>folder</c> (a local path) or <c>container</c> (an Azure
/// Blob Storage container). A container is reached with <c>accountUrl</c> and managed identity
/// (DefaultAzureCredential; <c>clientId</c> picks a user-assigned identity), or without <c>accountUrl</c> through the
/// connection string in the secret <c>connection</c> (Azurite: <c>UseDevelopmentStorage=true</c>).
/// <c>settleSeconds</c> (default 5) leaves files younger than that for the next run: a file still being written
/// to a folder is not read half-written, and a blob committed right after the listing in the same second as one
/// already read is not passed over.
/// </summary>
public sealed record FilesSettings(string? Folder, string? Container, Uri? AccountUrl, string? ClientId, int SettleSeconds)
{
    public const string ConnectionSecret = "connection";

    private const string CredentialRemedy = "reach a container with accountUrl and managed identity, or put the connection string in the secret store and name it in secrets: { connection: <secret name> }";

    public static FilesSettings From(SourceDefinition source, List<string>? errors = null)
    {
        void Error(string message)
        {
            if (errors is null)
            {
                throw new SourceException($"source '{source.Name}': {message}");
            }

            errors.Add(message);
        }

        string? Text(string name) =>
            source.Settings.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        // A SAS URL or connection string pasted into any setting is refused without being repeated: it would be stored.
        foreach (var (key, value) in source.Settings.Where(kv => PlainTextCredentialRule.IsPlainCredentialSetting(kv.Key, kv.Value)))
        {
            Error($"settings.{ErrorText.Printable(key)}: {PlainTextCredentialRule.Refusal(PlainTextCredentialRule.UrlCredential(value) ?? "this looks like a credential", CredentialRemedy)}");
        }

        // A misspelt setting (settleSecond, acountUrl) must not silently fall back to the default.
        string[] known = ["accountUrl", "clientId", "container", "folder", "settleSeconds"];
        foreach (var key in source.Settings.Keys.Where(k => !known.Contains(k, StringComparer.OrdinalIgnoreCase) && !PlainTextCredentialRule.IsPlainCredentialSetting(k, source.Settings[k])).Order(StringComparer.Ordinal))
        {
            Error($"settings.{ErrorText.Printable(key)}: unknown setting (known: {string.Join(", ", known)})");
        }

        var folder = Text("folder");
        var container = Text("container");
        if ((folder is null) == (container is null))
        {
            Error("settings: set exactly one of folder (a local path) or container (an Azure Blob Storage container)");
        }

        if (container is not null && !PlainTextCredentialRule.IsPlainCredentialSetting("container", container) && (container.Length is < 3 or > 63 || !container.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
        {
            Error($"settings.container: '{container}' is not a container name (3-63 lower-case letters, digits and '-')");
        }

        Uri? accountUrl = null;
        if (Text("accountUrl") is { } urlText && PlainTextCredentialRule.UrlCredential(urlText) is null)
        {
            if (!Uri.TryCreate(urlText, UriKind.Absolute, out accountUrl) || (accountUrl.Scheme != Uri.UriSchemeHttps && !accountUrl.IsLoopback))
            {
                Error($"settings.accountUrl: {(urlText.IndexOfAny(['?', '@', '#']) < 0 ? ErrorText.Quote(urlText) : "the value")} is not an https URL (e.g. https://myaccount.blob.core.windows.net)");
                accountUrl = null;
            }
            else if (!string.IsNullOrEmpty(accountUrl.UserInfo) || !string.IsNullOrEmpty(accountUrl.Query))
            {
                // A SAS token or credentials in the URL would be a secret in config.
                Error("settings.accountUrl: must not carry credentials or a query (SAS); use managed identity or the connection secret");
                accountUrl = null;
            }
        }

        if (folder is not null && (accountUrl is not null || Text("clientId") is not null))
        {
            Error("settings: accountUrl and clientId apply to a container, not a folder");
        }

        var settle = 5;
        if (Text("settleSeconds") is { } settleText
            && (!int.TryParse(settleText, NumberStyles.None, CultureInfo.InvariantCulture, out settle) || settle > 86_400))
        {
            Error($"settings.settleSeconds: '{settleText}' is not a whole number of seconds between 0 and 86400");
            settle = 5;
        }

        return new FilesSettings(folder, container, accountUrl, Text("clientId"), settle);
    }
}
