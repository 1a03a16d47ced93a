using System.Globalization;
using Daedalus.Configuration;

namespace Daedalus.Sources.Sample;

/// <summary>The sample source's knobs, from <c>settings:</c>; all optional.</summary>
public sealed record SampleSettings(long Customers, int InvoicesPerCustomer, ulong Seed, double ChangeRate, double DeleteRate, double InvalidRate, int PageSize, long MaxGenerations)
{
    public static SampleSettings From(SourceDefinition source, List<string>? errors = null)
    {
        T Get<T>(string name, T fallback, Func<string, T?> parse, Func<T, bool> valid, string rule)
            where T : struct
        {
            if (!source.Settings.TryGetValue(name, out var text))
            {
                return fallback;
            }

            var value = parse(text);
            if (value is { } v && valid(v))
            {
                return v;
            }

            errors?.Add($"settings.{name}: '{text}' is not {rule}");
            return fallback;
        }

        static long? Long(string s) => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
        static double? Double(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
        return new SampleSettings(
            Get("customers", 100_000L, Long, v => v is >= 1 and <= 50_000_000, "a whole number between 1 and 50,000,000"),
            (int)Get("invoicesPerCustomer", 2L, Long, v => v is >= 0 and <= 100, "a whole number between 0 and 100"),
            (ulong)Get("seed", 42L, Long, v => v >= 0, "a non-negative whole number"),
            Get("changeRate", 0.01, Double, v => v is >= 0 and <= 1, "a fraction between 0 and 1"),
            Get("deleteRate", 0.001, Double, v => v is >= 0 and <= 1, "a fraction between 0 and 1"),
            Get("invalidRate", 0.0005, Double, v => v is >= 0 and <= 1, "a fraction between 0 and 1"),
            (int)Get("pageSize", 5_000L, Long, v => v is >= 1 and <= 100_000, "a whole number between 1 and 100,000"),
            Get("maxGenerations", 100_000L, Long, v => v >= 0, "a non-negative whole number"));
    }
}
