using System.Globalization;
using Daedalus.Configuration;

namespace Daedalus.Sources.Sample;

/// <summary>
/// The sample source as code, mirroring <c>config/daedalus.yaml</c>: for <c>db seed</c>, the benchmark
/// and tests, which need a source without reading a file.
/// </summary>
public static class SampleSourceDefinition
{
    public static SourceDefinition Create(string name, long customers, string targetSchema = "sample")
    {
        var source = new SourceDefinition
        {
            Name = name,
            Plugin = SampleSourcePlugin.PluginName,
            Schedule = "0 */5 * * * *",
            Settings = { ["customers"] = customers.ToString(CultureInfo.InvariantCulture) },
        };
        source.Streams.Add(new StreamDefinition
        {
            Name = "customers",
            Mode = SyncMode.Incremental,
            Target = new TargetTable { Schema = targetSchema, Table = "customers" },
            Qa =
            {
                new QaRuleDefinition { Column = "email", Rule = "matches", Pattern = "^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$" },
                new QaRuleDefinition { Column = "name", Rule = "not_null" },
            },
            Protect = { ["email"] = ProtectionMode.Encrypt, ["phone"] = ProtectionMode.Hash },
        });
        source.Streams.Add(new StreamDefinition
        {
            Name = "invoices",
            Mode = SyncMode.Incremental,
            Target = new TargetTable { Schema = targetSchema, Table = "invoices" },
            Qa =
            {
                new QaRuleDefinition { Column = "amount", Rule = "range", Min = 0 },
                new QaRuleDefinition { Column = "status", Rule = "one_of", Values = [.. SampleData.InvoiceStatuses] },
            },
        });
        source.Metrics.Add(new MetricRuleDefinition { Name = "invoice_amount", Stream = "invoices", Time = "issued_on", Value = "amount", Aggregate = "sum", Bucket = "1d", Labels = ["currency"] });
        source.Metrics.Add(new MetricRuleDefinition { Name = "invoices_by_status", Stream = "invoices", Time = "issued_on", Aggregate = "count", Bucket = "1d", Labels = ["status"] });
        return source;
    }
}
