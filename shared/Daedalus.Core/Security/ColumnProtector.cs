using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Daedalus.Security;

/// <summary>
/// Encrypts (AES-256-GCM) or hashes (HMAC-SHA256) column values. Output is text tagged with the key id:
/// <c>enc:v1:{keyId}:{base64(nonce|ciphertext|tag)}</c> and <c>hmac:v1:{keyId}:{hex}</c>.
/// Encryption and hashing use keys derived from the master key so one key never serves two purposes.
/// </summary>
public sealed class ColumnProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] EncryptionLabel = "daedalus-column-encryption"u8.ToArray();
    private static readonly byte[] HashLabel = "daedalus-column-hash"u8.ToArray();

    private readonly IKeyProvider _keys;
    private readonly Dictionary<string, (byte[] Encryption, byte[] Hash)> _derived = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public ColumnProtector(IKeyProvider keys)
    {
        _keys = keys;
    }

    /// <summary>A protector bound to the active key for one batch; cheap to use per value.</summary>
    public async ValueTask<BoundProtector> BindAsync(CancellationToken cancellationToken)
    {
        var key = await _keys.GetActiveKeyAsync(cancellationToken);
        var (encryption, hash) = Derive(key);
        return new BoundProtector(key.Id, encryption, hash);
    }

    /// <summary>
    /// The plaintext of an <c>enc:v1</c> value. Throws <see cref="FormatException"/> when the text is not one,
    /// <see cref="CryptographicException"/> when its key is unknown or it does not authenticate (altered, wrong key material).
    /// </summary>
    public async ValueTask<string> DecryptAsync(string protectedValue, CancellationToken cancellationToken)
    {
        var parts = protectedValue.Split(':', 4);
        if (parts.Length != 4 || parts[0] != "enc" || parts[1] != "v1")
        {
            throw new FormatException("not an enc:v1 value");
        }

        var key = await _keys.GetKeyAsync(parts[2], cancellationToken)
            ?? throw new CryptographicException($"key '{parts[2]}' is not available");
        var (encryption, _) = Derive(key);
        var payload = Convert.FromBase64String(parts[3]);
        if (payload.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("the enc:v1 payload is too short");
        }

        var plain = new byte[payload.Length - NonceSize - TagSize];
        using var aes = new AesGcm(encryption, TagSize);
        aes.Decrypt(payload.AsSpan(0, NonceSize), payload.AsSpan(NonceSize, plain.Length), payload.AsSpan(NonceSize + plain.Length), plain, Encoding.UTF8.GetBytes(parts[2]));
        return Encoding.UTF8.GetString(plain);
    }

    private (byte[] Encryption, byte[] Hash) Derive(ProtectionKey key)
    {
        lock (_lock)
        {
            if (!_derived.TryGetValue(key.Id, out var pair))
            {
                pair = (HKDF.Expand(HashAlgorithmName.SHA256, key.Material, 32, EncryptionLabel), HKDF.Expand(HashAlgorithmName.SHA256, key.Material, 32, HashLabel));
                _derived[key.Id] = pair;
            }

            return pair;
        }
    }

    public sealed class BoundProtector : IDisposable
    {
        private readonly byte[] _keyIdBytes;
        private readonly string _encryptPrefix;
        private readonly string _hashPrefix;
        private readonly AesGcm _aes;
        private readonly HMACSHA256 _hmac;
        private readonly byte[] _noncePrefix = RandomNumberGenerator.GetBytes(8);
        private uint _counter;

        internal BoundProtector(string keyId, byte[] encryptionKey, byte[] hashKey)
        {
            _keyIdBytes = Encoding.UTF8.GetBytes(keyId);
            _encryptPrefix = $"enc:v1:{keyId}:";
            _hashPrefix = $"hmac:v1:{keyId}:";
            _aes = new AesGcm(encryptionKey, TagSize);
            _hmac = new HMACSHA256(hashKey);
        }

        public string Encrypt(string plain)
        {
            // Hot path (once per protected value): stack buffers and a single string allocation.
            var plainLength = Encoding.UTF8.GetByteCount(plain);
            var payloadLength = NonceSize + plainLength + TagSize;
            var rented = payloadLength * 2 > 2048 ? ArrayPool<byte>.Shared.Rent(payloadLength + plainLength) : null;
            var bytes = rented is null ? stackalloc byte[payloadLength + plainLength] : rented.AsSpan(0, payloadLength + plainLength);
            try
            {
                var payload = bytes[..payloadLength];
                var plainBytes = bytes[payloadLength..];
                Encoding.UTF8.GetBytes(plain, plainBytes);
                var nonce = payload[..NonceSize];
                // 64 random bits per protector instance + a 32-bit counter: unique nonces without a syscall per value.
                _noncePrefix.CopyTo(nonce);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(nonce[8..], checked(++_counter));
                // The key id is authenticated data: a value cannot be re-tagged to another key.
                _aes.Encrypt(nonce, plainBytes, payload.Slice(NonceSize, plainLength), payload[(NonceSize + plainLength)..], _keyIdBytes);
                return Tagged(_encryptPrefix, payload, hex: false);
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }

        public string Hash(string plain)
        {
            var max = Encoding.UTF8.GetMaxByteCount(plain.Length);
            var rented = max > 1024 ? ArrayPool<byte>.Shared.Rent(max) : null;
            var buffer = rented is null ? stackalloc byte[max] : rented.AsSpan(0, max);
            try
            {
                var length = Encoding.UTF8.GetBytes(plain, buffer);
                Span<byte> mac = stackalloc byte[32];
                _hmac.TryComputeHash(buffer[..length], mac, out _);
                return Tagged(_hashPrefix, mac, hex: true);
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }

        private static string Tagged(string prefix, ReadOnlySpan<byte> data, bool hex)
        {
            var length = prefix.Length + (hex ? data.Length * 2 : ((data.Length + 2) / 3) * 4);
            var chars = length <= 1024 ? stackalloc char[length] : new char[length];
            prefix.CopyTo(chars);
            var written = 0;
            _ = hex ? Convert.TryToHexStringLower(data, chars[prefix.Length..], out written) : Convert.TryToBase64Chars(data, chars[prefix.Length..], out written);
            return new string(chars[..(prefix.Length + written)]);
        }

        public void Dispose()
        {
            _aes.Dispose();
            _hmac.Dispose();
        }
    }
}
