using System.Globalization;
using Daedalus.Configuration;
using Daedalus.Storage;

namespace Daedalus.Sources.Sample;

/// <summary>
/// The sample source as code, mirroring <c>config/daedalus.yaml</c>: for <c>db seed</c>, the benchmark
/// and tests, which need a source without reading a file.
/// </summary>
public static class SampleSourceDefinition
{
    /// <summary>
    /// The sample source named <paramref name="name"/>, loading into <paramref name="targetSchema"/> (by default a
    /// schema of its own, <see cref="DefaultSchema"/>: a table has one owner, so two sample sources must not share one).
    /// </summary>
    public static SourceDefinition Create(string name, long customers, string? targetSchema = null)
    {
        targetSchema ??= DefaultSchema(name);
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

    /// <summary>
    /// The source's name as a schema: lower case, other characters than letters and digits as underscores (the
    /// identifier rule targets are validated by), and never a reserved schema.
    /// </summary>
    public static string DefaultSchema(string name)
    {
        var schema = SqlIdentifier.Normalize(name);
        return ReservedSchemas.IsReserved(schema) ? SqlIdentifier.Normalize("s_" + schema) : schema;
    }
}
