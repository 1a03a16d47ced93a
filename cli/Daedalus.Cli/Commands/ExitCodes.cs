namespace Daedalus.Cli.Commands;

/// <summary>Exit codes scripts can rely on.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int InvalidInput = 2;
    public const int Partial = 3;
    public const int NotFound = 4;
    public const int Unavailable = 5;
    public const int Denied = 6;
    public const int Conflict = 7;

    /// <summary>Nothing was pulled: another process holds the source's pull lock (its run goes on there).</summary>
    public const int Skipped = 8;
}
