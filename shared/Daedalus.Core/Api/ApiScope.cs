namespace Daedalus.Api;

/// <summary>What a route requires of the caller's key. Write keys may also read.</summary>
public enum ApiScope
{
    Anonymous,
    Read,
    Write,
}
