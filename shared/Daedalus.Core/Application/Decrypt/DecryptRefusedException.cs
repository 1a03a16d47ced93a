namespace Daedalus.Application.Decrypt;

/// <summary>A refused decrypt: the reason and a sentence for the operator that never carries a plaintext or ciphertext value.</summary>
public sealed class DecryptRefusedException : Exception
{
    public DecryptRefusedException(DecryptRefusal reason, string message, Exception? inner = null)
        : base(message, inner)
    {
        Reason = reason;
    }

    public DecryptRefusal Reason { get; }
}
