namespace Daedalus.Application.Decrypt;

/// <summary>Why <see cref="ProtectedValueReader"/> refused; the CLI maps each to an exit code.</summary>
public enum DecryptRefusal
{
    /// <summary>The source, stream, target table, column or rows do not exist.</summary>
    NotFound,

    /// <summary>The request cannot be served as asked: a column that is not encrypted (plain or hashed), keys for a composite primary key, a key that is not of the key column's type.</summary>
    Invalid,

    /// <summary>The key that encrypted a value is not in the key provider, or a value does not authenticate with it (tampered, or other key material under the same id).</summary>
    KeyRefused,

    /// <summary>The audit row could not be written, so nothing was decrypted.</summary>
    NotAudited,
}
