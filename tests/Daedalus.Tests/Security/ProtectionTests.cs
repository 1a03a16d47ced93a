using System.Security.Cryptography;
using Daedalus.Security;

namespace Daedalus.Tests.Security;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ProtectionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("daedalus-keys").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Key_file_is_created_owner_only_on_first_use()
    {
        var path = Path.Combine(_directory, "keys.json");
        var key = await new LocalKeyFileProvider(path).GetActiveKeyAsync(CancellationToken.None);

        Assert.Equal(32, key.Material.Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(key.Material, (await new LocalKeyFileProvider(path).GetActiveKeyAsync(CancellationToken.None)).Material);
    }

    [Fact]
    public async Task Encryption_is_randomised_tagged_and_reversible_after_rotation()
    {
        var keys = new LocalKeyFileProvider(Path.Combine(_directory, "keys.json"));
        var protector = new ColumnProtector(keys);
        string first, second;
        using (var bound = await protector.BindAsync(CancellationToken.None))
        {
            first = bound.Encrypt("jane@example.com");
            second = bound.Encrypt("jane@example.com");
        }

        Assert.NotEqual(first, second);
        Assert.DoesNotContain("jane", first, StringComparison.Ordinal);
        var oldKey = (await keys.GetActiveKeyAsync(CancellationToken.None)).Id;
        Assert.StartsWith($"enc:v1:{oldKey}:", first, StringComparison.Ordinal);

        var newKey = await keys.RotateAsync(CancellationToken.None);
        using (var bound = await protector.BindAsync(CancellationToken.None))
        {
            Assert.StartsWith($"enc:v1:{newKey}:", bound.Encrypt("x"), StringComparison.Ordinal);
        }

        Assert.Equal("jane@example.com", await protector.DecryptAsync(first, CancellationToken.None));
    }

    [Fact]
    public async Task Tampered_ciphertext_or_retagged_key_id_fails_to_decrypt()
    {
        var keys = new LocalKeyFileProvider(Path.Combine(_directory, "keys.json"));
        var protector = new ColumnProtector(keys);
        using var bound = await protector.BindAsync(CancellationToken.None);
        var value = bound.Encrypt("secret");
        var parts = value.Split(':');
        var payload = Convert.FromBase64String(parts[3]);
        payload[^1] ^= 1;
        var tampered = $"{parts[0]}:{parts[1]}:{parts[2]}:{Convert.ToBase64String(payload)}";

        await Assert.ThrowsAnyAsync<CryptographicException>(() => protector.DecryptAsync(tampered, CancellationToken.None).AsTask());
        await Assert.ThrowsAnyAsync<CryptographicException>(() => protector.DecryptAsync($"enc:v1:unknown:{parts[3]}", CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task Hash_is_stable_for_joins_and_keyed()
    {
        var protector = new ColumnProtector(new LocalKeyFileProvider(Path.Combine(_directory, "a.json")));
        var other = new ColumnProtector(new LocalKeyFileProvider(Path.Combine(_directory, "b.json")));
        using var a = await protector.BindAsync(CancellationToken.None);
        using var b = await other.BindAsync(CancellationToken.None);

        Assert.Equal(a.Hash("+31 6 1234"), a.Hash("+31 6 1234"));
        Assert.NotEqual(a.Hash("+31 6 1234"), a.Hash("+31 6 1235"));
        Assert.NotEqual(a.Hash("+31 6 1234")[^64..], b.Hash("+31 6 1234")[^64..]);
    }

    [Fact]
    public async Task A_rotated_secret_written_to_the_file_wins_over_the_environment_variable_that_bootstrapped_it()
    {
        var store = new LocalSecretStore(Path.Combine(_directory, "secrets.json"));
        var name = $"rotating-{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(LocalSecretStore.EnvironmentName(name), "bootstrap");
        try
        {
            Assert.Equal("bootstrap", await store.GetAsync(name, CancellationToken.None));
            await store.SetAsync(name, "rotated", CancellationToken.None);
            Assert.Equal("rotated", await store.GetAsync(name, CancellationToken.None));
        }
        finally
        {
            Environment.SetEnvironmentVariable(LocalSecretStore.EnvironmentName(name), null);
        }
    }

    [Fact]
    public async Task Local_secret_store_writes_owner_only()
    {
        var path = Path.Combine(_directory, "secrets.json");
        var store = new LocalSecretStore(path);
        await store.SetAsync("shop-token", "abc", CancellationToken.None);

        Assert.Equal("abc", await store.GetAsync("shop-token", CancellationToken.None));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("DAEDALUS_SECRET_SHOP_TOKEN", LocalSecretStore.EnvironmentName("shop-token"));
        Assert.Null(await store.GetAsync("missing", CancellationToken.None));
    }
}
