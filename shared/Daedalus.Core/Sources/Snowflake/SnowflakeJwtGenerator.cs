using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Daedalus.Sources.Snowflake;

/// <summary>
/// Key-pair authentication: an RS256 JWT with <c>iss = ACCOUNT.USER.SHA256:&lt;base64 sha256 of the DER public key&gt;</c>,
/// <c>sub = ACCOUNT.USER</c> (upper case; ACCOUNT is the identifier up to its first '.'), and a lifetime under the
/// one hour Snowflake accepts. The token is reused until shortly before it expires.
/// </summary>
public sealed class SnowflakeJwtGenerator : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(59);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);

    private readonly RSA _key;
    private readonly Lock _gate = new();
    private string? _token;
    private DateTimeOffset _expires;

    public SnowflakeJwtGenerator(string account, string user, string privateKeyPem, string? passphrase)
    {
        _key = RSA.Create();
        try
        {
            if (privateKeyPem.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal))
            {
                if (string.IsNullOrEmpty(passphrase))
                {
                    throw new SourceException("the private key is encrypted but secret 'private_key_passphrase' is empty");
                }

                _key.ImportFromEncryptedPem(privateKeyPem, passphrase);
            }
            else
            {
                _key.ImportFromPem(privateKeyPem);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            _key.Dispose();

            // The exception text of a failed import can quote key material; say only what went wrong.
            throw new SourceException("the private key is not a readable RSA PEM (PKCS#8 'PRIVATE KEY', 'ENCRYPTED PRIVATE KEY' with its passphrase, or PKCS#1 'RSA PRIVATE KEY')");
        }

        Qualifier = $"{AccountForJwt(account)}.{user.ToUpperInvariant()}";
        PublicKeyFingerprint = Fingerprint(_key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>ACCOUNT.USER, as in <c>sub</c>.</summary>
    public string Qualifier { get; }

    /// <summary>"SHA256:..." as DESCRIBE USER shows in RSA_PUBLIC_KEY_FP.</summary>
    public string PublicKeyFingerprint { get; }

    public static string AccountForJwt(string account)
    {
        var dot = account.IndexOf('.', StringComparison.Ordinal);
        return (dot < 0 ? account : account[..dot]).ToUpperInvariant();
    }

    public static string Fingerprint(ReadOnlySpan<byte> subjectPublicKeyInfo) => "SHA256:" + Convert.ToBase64String(SHA256.HashData(subjectPublicKeyInfo));

    public string GetToken(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_token is null || now >= _expires - RenewBefore || now < _expires - Lifetime - TimeSpan.FromMinutes(1))
            {
                var issued = now.ToUnixTimeSeconds();
                _expires = DateTimeOffset.FromUnixTimeSeconds(issued) + Lifetime;
                _token = Create(issued, _expires.ToUnixTimeSeconds());
            }

            return _token;
        }
    }

    /// <summary>Forget the cached token (the server rejected it); the next call signs a new one.</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _token = null;
        }
    }

    public void Dispose() => _key.Dispose();

    private string Create(long issuedAt, long expiresAt)
    {
        var header = Base64Url.EncodeToString("""{"alg":"RS256","typ":"JWT"}"""u8);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("iss", $"{Qualifier}.{PublicKeyFingerprint}");
            writer.WriteString("sub", Qualifier);
            writer.WriteNumber("iat", issuedAt);
            writer.WriteNumber("exp", expiresAt);
            writer.WriteEndObject();
        }

        var payload = Base64Url.EncodeToString(buffer.ToArray());
        var signingInput = $"{header}.{payload}";
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signingInput}.{Base64Url.EncodeToString(signature)}";
    }
}
