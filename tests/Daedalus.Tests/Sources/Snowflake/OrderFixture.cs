using Daedalus.Sources.Snowflake;
using static Daedalus.Tests.Sources.Snowflake.SnowflakeWireExpectations;

namespace Daedalus.Tests.Sources.Snowflake;

/// <summary>
/// SALES.PUBLIC.ORDERS: every jsonv2 type the plugin decodes, nulls, soft-deleted rows, a watermark tie across a
/// partition boundary and time zones on both sides of UTC. Rows are typed; cells are encoded from them.
/// </summary>
public static class OrderFixture
{
    public const string Table = "\"SALES\".\"PUBLIC\".\"ORDERS\"";

    public static readonly IReadOnlyList<SnowflakeColumn> RowType =
    [
        new("ID", "fixed", 0, 38, false),
        new("CUSTOMER", "text"),
        new("AMOUNT", "fixed", 2, 12),
        new("RATE", "real"),
        new("PAID", "boolean"),
        new("ORDER_DATE", "date"),
        new("ORDER_TIME", "time", 9),
        new("CREATED_AT", "timestamp_ltz", 9),
        new("UPDATED_AT", "timestamp_ntz", 9, null, false),
        new("SHIPPED_AT", "timestamp_tz", 9),
        new("ATTRS", "variant"),
        new("CHECKSUM", "binary"),
        new("IS_DELETED", "boolean", null, null, false),
    ];

    private static readonly DateTimeOffset Base = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Rows 1..count; rows tieAt and tieAt + 1 share a watermark (put them across a partition boundary).</summary>
    public static List<OrderRow> Initial(int count = 10, int tieAt = 4)
    {
        var rows = new List<OrderRow>();
        for (var id = 1; id <= count; id++)
        {
            var tie = id == tieAt + 1 ? tieAt : id;
            var updated = Base.AddMinutes(tie).AddTicks(tie * 10 + 1230);
            var k = ((id - 1) % 10) + 1;
            var offset = TimeSpan.FromMinutes(new[] { 0, 60, -300, 330, -570, 840, -720, 345, 120, -60 }[k - 1]);
            rows.Add(new OrderRow(
                id,
                k == 7 ? null : $"Customer {id} – Ünïcode \"quoted\"",
                k == 3 ? null : 10.5m * id + 0.25m,
                k == 6 ? null : id / 3.0,
                k % 3 == 0 ? null : id % 2 == 0,
                k == 8 ? null : new DateOnly(1969, 12, 25).AddDays(id * 40),
                k == 2 ? null : new TimeOnly(k, k * 5, k * 3).Add(TimeSpan.FromTicks(id * 1234560)),
                Base.AddDays(-id).AddTicks(4560),
                updated,
                k == 9 ? null : new DateTimeOffset(Base.AddHours(id).AddTicks(7890).UtcDateTime).ToOffset(offset),
                k == 4 ? null : $$$"""{"channel":"web","tags":["a","b{{{id}}}"],"nested":{"n":{{{id}}},"ok":true}}""",
                k == 10 ? null : [(byte)id, 0xAB, 0x00, 0xFF],
                k is 4 or 9));
        }

        return rows;
    }

    public static string?[] Cells(OrderRow row) =>
    [
        Fixed(row.Id),
        row.Customer,
        row.Amount is { } amount ? Fixed(amount) : null,
        row.Rate is { } rate ? Real(rate) : null,
        row.Paid is { } paid ? Boolean(paid) : null,
        row.OrderDate is { } date ? Date(date) : null,
        row.OrderTime is { } time ? Time(time) : null,
        row.CreatedAt is { } created ? Timestamp(created) : null,
        Timestamp(row.UpdatedAt),
        row.ShippedAt is { } shipped ? TimestampTz(shipped) : null,
        row.Attrs,
        row.Checksum is { } checksum ? Binary(checksum) : null,
        Boolean(row.IsDeleted),
    ];

    public static FakeTable Load(FakeSnowflakeServer server, IEnumerable<OrderRow> rows)
    {
        var table = server.AddTable(Table, RowType);
        foreach (var row in rows)
        {
            table.Upsert(Cells(row));
        }

        return table;
    }
}
