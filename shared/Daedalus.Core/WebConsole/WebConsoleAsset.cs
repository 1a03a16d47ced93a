namespace Daedalus.WebConsole;

/// <summary>One file of the built console: its bytes, Content-Type and strong ETag (quoted).</summary>
public sealed record WebConsoleAsset(byte[] Content, string ContentType, string ETag);
