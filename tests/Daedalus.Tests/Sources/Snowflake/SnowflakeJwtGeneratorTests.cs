using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Daedalus.Sources;
using Daedalus.Sources.Snowflake;

namespace Daedalus.Tests.Sources.Snowflake;

public sealed class SnowflakeJwtGeneratorTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TestKeys _keys = new();

    public void Dispose() => _keys.Dispose();

    [Fact]
    public void Signs_an_RS256_token_the_public_key_verifies_with_the_documented_claims()
    {
        using var generator = new SnowflakeJwtGenerator("xy12345.eu-central-1.aws", "daedalus_loader", _keys.PrivateKeyPem, null);

        var token = generator.GetToken(Now);

        var parts = token.Split('.');
        Assert.Equal(3, parts.Length);
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        Assert.Equal("RS256", header.RootElement.GetProperty("alg").GetString());
        Assert.True(_keys.PublicKey.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

        // The fingerprint, computed here from the public key alone: SHA-256 of the DER SubjectPublicKeyInfo, base64.
        var fingerprint = "SHA256:" + Convert.ToBase64String(SHA256.HashData(_keys.PublicKey.ExportSubjectPublicKeyInfo()));
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        var claims = payload.RootElement;
        Assert.Equal($"XY12345.DAEDALUS_LOADER.{fingerprint}", claims.GetProperty("iss").GetString());
        Assert.Equal("XY12345.DAEDALUS_LOADER", claims.GetProperty("sub").GetString());
        Assert.Equal(Now.ToUnixTimeSeconds(), claims.GetProperty("iat").GetInt64());
        Assert.InRange(claims.GetProperty("exp").GetInt64() - Now.ToUnixTimeSeconds(), 60, 3600);
        Assert.Equal(fingerprint, generator.PublicKeyFingerprint);
    }

    [Fact]
    public void Reuses_the_token_until_shortly_before_expiry_and_re_signs_after_invalidation()
    {
        using var generator = new SnowflakeJwtGenerator("myorg-acct", "u", _keys.PrivateKeyPem, null);
        var first = generator.GetToken(Now);

        Assert.Same(first, generator.GetToken(Now.AddMinutes(30)));
        Assert.NotEqual(first, generator.GetToken(Now.AddMinutes(56)));

        var current = generator.GetToken(Now.AddMinutes(57));
        generator.Invalidate();
        Assert.NotSame(current, generator.GetToken(Now.AddMinutes(57)));
    }

    [Fact]
    public void Reads_an_encrypted_PKCS8_key_with_its_passphrase()
    {
        var encrypted = _keys.Key.ExportEncryptedPkcs8PrivateKeyPem("correct horse", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000));
        using var generator = new SnowflakeJwtGenerator("acct", "u", encrypted, "correct horse");

        var parts = generator.GetToken(Now).Split('.');

        Assert.True(_keys.PublicKey.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void A_wrong_passphrase_or_garbage_fails_without_echoing_key_material()
    {
        var encrypted = _keys.Key.ExportEncryptedPkcs8PrivateKeyPem("correct horse", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000));

        var wrong = Assert.Throws<SourceException>(() => new SnowflakeJwtGenerator("acct", "u", encrypted, "battery staple"));
        var missing = Assert.Throws<SourceException>(() => new SnowflakeJwtGenerator("acct", "u", encrypted, null));
        var garbage = Assert.Throws<SourceException>(() => new SnowflakeJwtGenerator("acct", "u", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", null));

        Assert.Contains("passphrase", missing.Message, StringComparison.Ordinal);
        foreach (var ex in new[] { wrong, garbage })
        {
            Assert.Contains("not a readable RSA PEM", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(encrypted.Split('\n')[1], ex.ToString(), StringComparison.Ordinal);
        }
    }
}
