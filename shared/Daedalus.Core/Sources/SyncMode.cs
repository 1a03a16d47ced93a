namespace Daedalus.Sources;

public enum SyncMode
{
    /// <summary>Re-read everything each run; rows merge by primary key.</summary>
    Full,

    /// <summary>Read only what changed since the stored cursor.</summary>
    Incremental,
}
