using System.Globalization;
using System.Runtime.CompilerServices;
using Daedalus.Configuration;

namespace Daedalus.Sources.Sample;

/// <summary>
/// Built-in source of deterministic customers and invoices, so the whole pipeline runs with no credentials.
/// A first incremental read returns generation 0 (everything); each later read returns the next generation's
/// updates and deletes. The cursor is the <c>updated_at</c> of the last row read.
/// </summary>
public sealed class SampleSourcePlugin : ISourcePlugin, ISourceDiscovery
{
    public const string PluginName = "sample";

    private static readonly StreamSchema Customers = new(
        "customers",
        [
            new("id", ColumnType.Integer),
            new("name", ColumnType.Text),
            new("email", ColumnType.Text),
            new("phone", ColumnType.Text),
            new("country", ColumnType.Text),
            new("status", ColumnType.Text),
            new("signup_date", ColumnType.Date),
            new("updated_at", ColumnType.Timestamp),
        ],
        ["id"],
        "updated_at");

    private static readonly StreamSchema Invoices = new(
        "invoices",
        [
            new("id", ColumnType.Integer),
            new("customer_id", ColumnType.Integer),
            new("number", ColumnType.Text),
            new("amount", ColumnType.Decimal),
            new("currency", ColumnType.Text),
            new("status", ColumnType.Text),
            new("issued_on", ColumnType.Date),
            new("due_on", ColumnType.Date),
            new("updated_at", ColumnType.Timestamp),
        ],
        ["id"],
        "updated_at");

    public string Name => PluginName;

    public IEnumerable<string> Validate(SourceDefinition source)
    {
        var errors = new List<string>();
        SampleSettings.From(source, errors);
        foreach (var stream in source.Streams.Where(s => Schema(s.Name) is null))
        {
            errors.Add($"streams.{stream.Name}: the sample source has no stream '{stream.Name}' (it has customers, invoices)");
        }

        return errors;
    }

    public ValueTask<StreamSchema> DescribeAsync(SourceContext context, StreamDefinition stream, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Schema(stream.Name) ?? throw new SourceException($"the sample source has no stream '{stream.Name}'"));

    public async IAsyncEnumerable<SourcePage> ReadAsync(SourceContext context, StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var settings = SampleSettings.From(context.Source);
        var isCustomers = request.Schema.Name == "customers";
        var rows = isCustomers ? settings.Customers : settings.Customers * settings.InvoicesPerCustomer;
        var salt = isCustomers ? 11UL : 13UL;

        long generation = 0;
        long after = 0;
        if (request.Cursor is not null)
        {
            var (g, id) = SampleData.Position(DateTimeOffset.Parse(request.Cursor, CultureInfo.InvariantCulture));
            var last = LastChangedId(settings, g, rows, salt);
            (generation, after) = id < last ? (g, id) : (g + 1, 0);
        }

        if (generation > settings.MaxGenerations)
        {
            yield break;
        }

        var page = new List<SourceRecord>(settings.PageSize);
        var emitted = false;
        for (var id = after + 1; id <= rows; id++)
        {
            var change = SampleData.ChangeOf(settings, generation, id, salt);
            if (change == RowChange.None)
            {
                continue;
            }

            var values = isCustomers ? SampleData.Customer(settings, generation, id) : SampleData.Invoice(settings, generation, id);
            page.Add(new SourceRecord(values, change == RowChange.Delete));
            if (page.Count == settings.PageSize)
            {
                yield return new SourcePage(page, Cursor(generation, id));
                emitted = true;
                page = new List<SourceRecord>(settings.PageSize);
                await Task.Yield();
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        if (page.Count > 0)
        {
            var lastId = (long)page[^1].Values[0]!;
            yield return new SourcePage(page, Cursor(generation, lastId));
        }
        else if (!emitted)
        {
            // A generation with no changes still moves the cursor on, or the next read would ask for it again.
            yield return new SourcePage([], Cursor(generation, 0));
        }
    }

    private static string Cursor(long generation, long id) =>
        SampleData.UpdatedAt(generation, id).ToString("O", CultureInfo.InvariantCulture);

    private static long LastChangedId(SampleSettings settings, long generation, long rows, ulong salt)
    {
        for (var id = rows; id >= 1; id--)
        {
            if (SampleData.ChangeOf(settings, generation, id, salt) != RowChange.None)
            {
                return id;
            }
        }

        return 0;
    }

    /// <summary>The generated data needs no credentials: a stream is reachable when the sample knows it.</summary>
    public ValueTask<StreamCheck> CheckAsync(SourceContext context, StreamDefinition stream, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Schema(stream.Name) is { } schema
            ? new StreamCheck(stream.Name, true, $"generated in this process; {schema.Columns.Count} columns")
            : new StreamCheck(stream.Name, false, $"the sample source has no stream '{stream.Name}'"));

    /// <summary>The fixed schema of the stream; no settings pin it.</summary>
    public ValueTask<DiscoveredStream> DiscoverAsync(SourceContext context, StreamDefinition stream, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new DiscoveredStream(
            Schema(stream.Name) ?? throw new SourceException($"the sample source has no stream '{stream.Name}'"),
            new Dictionary<string, string>()));

    private static StreamSchema? Schema(string name) => name switch
    {
        "customers" => Customers,
        "invoices" => Invoices,
        _ => null,
    };
}
