using System.Text.Json;
using Daedalus.Configuration;
using Daedalus.Storage;

namespace Daedalus.Tests.Configuration;

/// <summary>
/// Keys of settings, secrets, renames and protections ignore case in daedalus.yaml and the API; a definition read
/// back from the catalog (what every pull uses) must keep that, or a column named <c>Email</c> in <c>protect</c> is
/// validated against the schema (case-insensitive) and then not found for the column <c>email</c>: stored in plain text.
/// </summary>
public sealed class StoredDefinitionCaseTests
{
    [Fact]
    public void Every_keyed_map_of_a_definition_still_ignores_case_after_the_catalog_round_trip()
    {
        var source = new SourceDefinition { Name = "shop", Plugin = "sample" };
        source.Settings["Customers"] = "5";
        source.Secrets["ApiKey"] = "shop-key";
        var stream = new StreamDefinition { Name = "customers" };
        stream.Settings["BoardId"] = "1";
        stream.Rename["Email"] = "mail";
        stream.Protect["Email"] = ProtectionMode.Encrypt;
        source.Streams.Add(stream);

        var stored = JsonSerializer.Deserialize<SourceDefinition>(JsonSerializer.Serialize(source, SourceCatalog.Json), SourceCatalog.Json)!;

        Assert.Equal("5", stored.Settings["customers"]);
        Assert.Equal("shop-key", stored.Secrets["apikey"]);
        var storedStream = Assert.Single(stored.Streams);
        Assert.Equal("1", storedStream.Settings["boardid"]);
        Assert.Equal("mail", storedStream.Rename["email"]);
        Assert.Equal(ProtectionMode.Encrypt, storedStream.Protect["email"]);
    }
}
