using System.Text;

namespace Daedalus.Security;

/// <summary>
/// Maps Daedalus names onto Key Vault secret names (1-127 of <c>[0-9a-zA-Z-]</c>, case-insensitive). Any other
/// character becomes <c>-</c>, so <c>monday.api_token</c> is stored as <c>monday-api-token</c>.
/// Column keys live as secrets <c>daedalus-column-key-{id}</c>; the active id in <c>daedalus-column-key-active</c>.
/// </summary>
public static class KeyVaultNames
{
    public const string ActiveColumnKey = "daedalus-column-key-active";
    private const string ColumnKeyPrefix = "daedalus-column-key-";

    public static string Secret(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("a secret name is required", nameof(name));
        }

        var builder = new StringBuilder(name.Length);
        foreach (var c in name.Trim())
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '-');
        }

        if (builder.Length > 127)
        {
            throw new ArgumentException($"secret name '{name}' is longer than Key Vault's 127 characters", nameof(name));
        }

        return builder.ToString();
    }

    public static string ColumnKey(string keyId)
    {
        if (keyId.Length == 0 || !keyId.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"column key id '{keyId}' must be letters and digits", nameof(keyId));
        }

        return ColumnKeyPrefix + keyId;
    }
}
