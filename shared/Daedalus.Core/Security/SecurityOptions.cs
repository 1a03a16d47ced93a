namespace Daedalus.Security;

/// <summary>Bound from <c>Daedalus:Security</c>: where secrets and column keys come from.</summary>
public sealed class SecurityOptions
{
    /// <summary><c>local</c> (file + environment) or <c>keyvault</c>.</summary>
    public string SecretProvider { get; set; } = "local";

    public string SecretFile { get; set; } = ".daedalus/secrets.json";

    /// <summary><c>local</c> (key file) or <c>keyvault</c>.</summary>
    public string KeyProvider { get; set; } = "local";

    public string KeyFile { get; set; } = ".daedalus/keys.json";

    public string? KeyVaultUri { get; set; }
}
