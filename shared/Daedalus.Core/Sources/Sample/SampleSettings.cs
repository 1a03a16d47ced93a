using Daedalus.Configuration;

namespace Daedalus.Sources.Sample;

/// <summary>The sample source's knobs, from <c>settings:</c>; all optional. Its streams take no settings.</summary>
public sealed record SampleSettings(long Customers, int InvoicesPerCustomer, ulong Seed, double ChangeRate, double DeleteRate, double InvalidRate, int PageSize, long MaxGenerations)
{
    public static SampleSettings From(SourceDefinition source, List<string>? errors = null)
    {
        var settings = PluginSettings.Of(source, errors);
        var result = new SampleSettings(
            settings.Integer("customers", 100_000L, 1, 50_000_000),
            (int)settings.Integer("invoicesPerCustomer", 2L, 0, 100),
            (ulong)settings.Integer("seed", 42L, 0, long.MaxValue),
            settings.Number("changeRate", 0.01, 0, 1),
            settings.Number("deleteRate", 0.001, 0, 1),
            settings.Number("invalidRate", 0.0005, 0, 1),
            (int)settings.Integer("pageSize", 5_000L, 1, 100_000),
            settings.Integer("maxGenerations", 100_000L, 0, long.MaxValue));
        settings.RefuseUnknown();
        foreach (var stream in source.Streams)
        {
            PluginSettings.Of(stream, errors).RefuseUnknown();
        }

        return result;
    }
}
