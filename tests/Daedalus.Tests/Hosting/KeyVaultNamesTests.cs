using Daedalus.Security;

namespace Daedalus.Tests.Hosting;

/// <summary>Key Vault itself cannot be reached here; the name mapping it depends on is checked.</summary>
public sealed class KeyVaultNamesTests
{
    [Theory]
    [InlineData("monday-api-token", "monday-api-token")]
    [InlineData("quickbooks.refresh_token", "quickbooks-refresh-token")]
    [InlineData("Snowflake Key", "Snowflake-Key")]
    public void Secret_names_map_onto_the_key_vault_alphabet(string name, string expected) => Assert.Equal(expected, KeyVaultNames.Secret(name));

    [Fact]
    public void Names_key_vault_cannot_hold_are_refused()
    {
        Assert.Throws<ArgumentException>(() => KeyVaultNames.Secret(new string('a', 128)));
        Assert.Throws<ArgumentException>(() => KeyVaultNames.Secret(" "));
        Assert.Throws<ArgumentException>(() => KeyVaultNames.ColumnKey("k1/../x"));
    }

    [Fact]
    public void Column_keys_live_under_their_id() => Assert.Equal("daedalus-column-key-k20250101000000ab12", KeyVaultNames.ColumnKey("k20250101000000ab12"));
}
