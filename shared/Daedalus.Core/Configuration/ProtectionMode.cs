namespace Daedalus.Configuration;

public enum ProtectionMode
{
    /// <summary>AES-256-GCM, tagged with the key id; reversible by key holders.</summary>
    Encrypt,

    /// <summary>HMAC-SHA256; stable for joins, not reversible.</summary>
    Hash,
}
