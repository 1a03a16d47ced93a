using System.Globalization;

namespace Daedalus.Tests.Sources.QuickBooks;

/// <summary>Realistic entities for each stream; times are Pacific (as QuickBooks sends them) and increase with the index.</summary>
public static class QboFixtures
{
    /// <summary>Ten days ago on the minute, so CDC (30 days back at most) covers every fixture.</summary>
    public static readonly DateTimeOffset Epoch = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-10).AddHours(15), TimeSpan.Zero).ToOffset(TimeSpan.FromHours(-7));

    private static readonly string[] First = ["Amy", "Bill", "Cool", "Dukes", "Geeta", "Jeff", "Kate", "Mark", "Paulsen", "Rondonuwu", "Sonnenschein", "Travis"];
    private static readonly string[] Last = ["Lauterbach", "Windsurfer", "Cars", "Basketball", "Kalapatapu", "Chin", "Whelan", "Cho", "Medical", "Fruit", "Family", "Waldron"];

    /// <summary>A time with repeats: every fifth entity shares its second with the previous one (QuickBooks times are seconds).</summary>
    public static DateTimeOffset At(int index) => Epoch.AddSeconds(index - (index / 5));

    public static QboFixture Invoice(int i, DateTimeOffset updated)
    {
        var total = Math.Round(50m + (i * 37.45m % 900m), 2);
        return new QboFixture(
            "Invoice",
            (1000 + i).ToString(CultureInfo.InvariantCulture),
            i % 3,
            updated.AddDays(-(i % 9)),
            updated,
            DocNumber: (10_000 + i).ToString(CultureInfo.InvariantCulture),
            TxnDate: DateOnly.FromDateTime(updated.Date).AddDays(-(i % 9)),
            DueDate: i % 7 == 0 ? null : DateOnly.FromDateTime(updated.Date).AddDays(30 - (i % 9)),
            Amount: total,
            Balance: i % 4 == 0 ? 0m : total,
            RefValue: (1 + (i % 29)).ToString(CultureInfo.InvariantCulture),
            RefName: i % 11 == 0 ? null : $"{First[i % First.Length]} {Last[i % Last.Length]}");
    }

    public static List<QboFixture> Invoices(int count) => [.. Enumerable.Range(0, count).Select(i => Invoice(i, At(i)))];

    public static QboFixture Customer(int i, DateTimeOffset updated) => new(
        "Customer",
        (1 + i).ToString(CultureInfo.InvariantCulture),
        i % 4,
        updated.AddDays(-40),
        updated,
        Name: $"{First[i % First.Length]} {Last[(i * 5) % Last.Length]} {i}",
        Amount: null,
        Balance: Math.Round(i * 12.34m % 500m, 2),
        Email: i % 3 == 0 ? null : $"customer{i}@intuit.example",
        Active: i % 10 != 9);

    public static QboFixture Payment(int i, DateTimeOffset updated) => new(
        "Payment",
        (5000 + i).ToString(CultureInfo.InvariantCulture),
        0,
        updated,
        updated,
        TxnDate: DateOnly.FromDateTime(updated.Date),
        Amount: 100m + i,
        Balance: i % 2 == 0 ? 0m : 25.5m,
        RefValue: (1 + i).ToString(CultureInfo.InvariantCulture),
        RefName: $"{First[i % First.Length]} {Last[i % Last.Length]}");

    public static QboFixture Bill(int i, DateTimeOffset updated) => new(
        "Bill",
        (7000 + i).ToString(CultureInfo.InvariantCulture),
        1,
        updated.AddHours(-3),
        updated,
        DocNumber: i % 2 == 0 ? null : $"B-{i:000}",
        TxnDate: DateOnly.FromDateTime(updated.Date).AddDays(-2),
        DueDate: DateOnly.FromDateTime(updated.Date).AddDays(28),
        Amount: 250.75m * (i + 1),
        Balance: 250.75m * (i + 1) / 2,
        RefValue: (40 + i).ToString(CultureInfo.InvariantCulture),
        RefName: $"Vendor {Last[i % Last.Length]}");

    public static QboFixture Account(int i, DateTimeOffset updated) => new(
        "Account",
        (30 + i).ToString(CultureInfo.InvariantCulture),
        0,
        updated.AddDays(-400),
        updated,
        Name: $"{Types[i % Types.Length].Type} {i}",
        Balance: i % 3 == 0 ? 0m : -1201.00m + (i * 333.33m),
        Active: i != 2,
        Kind: Types[i % Types.Length].Type);

    public static QboFixture Item(int i, DateTimeOffset updated) => new(
        "Item",
        (200 + i).ToString(CultureInfo.InvariantCulture),
        i,
        updated.AddDays(-100),
        updated,
        Name: $"Item {Last[i % Last.Length]} {i}",
        Amount: i % 4 == 3 ? null : 9.99m + i,
        Balance: i % 2 == 0 ? 10 + i : null,
        Active: true,
        Kind: i % 2 == 0 ? "Inventory" : "Service");

    public static readonly (string Type, string SubType, string Classification)[] Types =
    [
        ("Bank", "Checking", "Asset"),
        ("Expense", "Travel", "Expense"),
        ("Income", "SalesOfProductIncome", "Revenue"),
        ("Accounts Payable", "AccountsPayable", "Liability"),
    ];

    public static (string SubType, string Classification) AccountClass(string type)
    {
        var match = Types.Single(t => t.Type == type);
        return (match.SubType, match.Classification);
    }
}
