namespace Daedalus.Sources.Rest;

/// <summary>
/// <c>settings.incremental</c> of a stream: the query parameter that carries the stored cursor (<c>param</c>, e.g.
/// GitHub's <c>since</c>), a <c>lookbackSeconds</c> subtracted from timestamp cursors (late writes), an <c>initial</c>
/// value for the first run (else the parameter is left out) and the <c>format</c> the value is sent in.
/// </summary>
public sealed record RestIncrementalSettings(string Param, TimeSpan Lookback, string? Initial, RestCursorFormat Format)
{
    private static readonly Dictionary<string, RestCursorFormat> Formats = new()
    {
        ["raw"] = RestCursorFormat.Raw,
        ["iso8601"] = RestCursorFormat.Iso8601,
        ["unix"] = RestCursorFormat.UnixSeconds,
        ["unix_ms"] = RestCursorFormat.UnixMilliseconds,
    };

    internal static RestIncrementalSettings? From(RestSettingReader reader)
    {
        var param = reader.Text("incremental.param");
        var lookback = TimeSpan.FromSeconds(reader.Number("incremental.lookbackSeconds", 0, 0, 30L * 24 * 3600));
        var initial = reader.Text("incremental.initial");
        var format = reader.Choice("incremental.format", RestCursorFormat.Raw, Formats);
        return param is null ? null : new RestIncrementalSettings(param, lookback, initial, format);
    }
}
