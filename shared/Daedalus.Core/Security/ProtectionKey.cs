namespace Daedalus.Security;

/// <summary>A 256-bit key and the id stored beside every value it protected.</summary>
public sealed record ProtectionKey(string Id, byte[] Material);
