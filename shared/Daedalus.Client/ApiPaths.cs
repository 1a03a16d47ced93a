namespace Daedalus.Client;

/// <summary>Where things live on the API; the server's route table uses the same prefix.</summary>
public static class ApiPaths
{
    public const string Prefix = "/api/v1";

    public static string Sources => $"{Prefix}/sources";

    public static string Source(string name) => $"{Sources}/{Escape(name)}";

    public static string Runs(string source) => $"{Source(source)}/runs";

    public static string SourceCheck(string source) => $"{Source(source)}/check";

    public static string SourceDiscover(string source) => $"{Source(source)}/discover";

    public static string Run(string source, Guid id) => $"{Runs(source)}/{id}";

    public static string RunEvents(string source, Guid id) => $"{Run(source, id)}/events";

    public static string StreamReset(string source, string stream) => $"{Source(source)}/streams/{Escape(stream)}/reset";

    public static string AllRuns => $"{Prefix}/runs";

    public static string RunCancel(string source, Guid id) => $"{Run(source, id)}/cancel";

    public static string RunCancelById(Guid id) => $"{AllRuns}/{id}/cancel";

    public static string Status => $"{Prefix}/status";

    public static string Metrics => $"{Prefix}/metrics";

    public static string Timeseries => $"{Prefix}/timeseries";

    public static string TimeseriesPoints => $"{Prefix}/timeseries/points";

    public static string PoisonBatches => $"{Prefix}/batches/poison";

    public static string PoisonReplay => $"{Prefix}/batches/poison/replay";

    public static string Notifications => $"{Prefix}/notifications";

    public static string PoisonPulls => $"{Prefix}/pulls/poison";

    public static string PoisonPullsReplay => $"{Prefix}/pulls/poison/replay";

    public static string Catalog => $"{Prefix}/catalog";

    public static string CatalogTable(string schema, string table) => $"{Catalog}/{Escape(schema)}/{Escape(table)}";

    public static string OpenApi => $"{Prefix}/openapi.json";

    public static string Docs => $"{Prefix}/docs";

    private static string Escape(string segment) => Uri.EscapeDataString(segment);
}
