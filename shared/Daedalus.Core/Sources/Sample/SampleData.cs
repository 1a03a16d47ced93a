namespace Daedalus.Sources.Sample;

/// <summary>
/// Deterministic synthetic business data. Generation 0 is the initial state; each later generation
/// updates a fraction of rows and deletes a smaller fraction. A row's <c>updated_at</c> encodes its
/// generation and id (base + generation minutes + id microseconds), so a cursor pins an exact position.
/// </summary>
public static class SampleData
{
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly string[] CustomerStatuses = ["lead", "active", "paused", "churned"];
    public static readonly string[] InvoiceStatuses = ["draft", "sent", "paid", "overdue", "void"];
    public static readonly string[] Countries = ["NL", "DE", "FR", "GB", "US", "CA", "ES", "IT", "SE", "PL"];
    public static readonly string[] Currencies = ["EUR", "USD", "GBP"];

    private static readonly string[] FirstNames = ["Ada", "Alan", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances", "Edsger", "Radia", "John", "Hedy", "Tim", "Katherine", "Niklaus"];
    private static readonly string[] LastNames = ["Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie", "Allen", "Dijkstra", "Perlman", "Backus", "Lamarr", "Berners-Lee", "Johnson", "Wirth"];

    public static DateTimeOffset UpdatedAt(long generation, long id) => Epoch.AddMinutes(generation).AddTicks(id * 10);

    public static (long Generation, long Id) Position(DateTimeOffset updatedAt)
    {
        var ticks = (updatedAt - Epoch).Ticks;
        var generation = ticks / TimeSpan.TicksPerMinute;
        return (generation, (ticks % TimeSpan.TicksPerMinute) / 10);
    }

    public static ulong Hash(ulong seed, long generation, long id, ulong salt)
    {
        // SplitMix64 over the inputs: fast, stable across platforms and runs.
        var z = seed ^ (ulong)generation * 0x9E3779B97F4A7C15UL ^ (ulong)id * 0xBF58476D1CE4E5B9UL ^ salt * 0x94D049BB133111EBUL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static double Unit(ulong hash) => (hash >> 11) * (1.0 / (1UL << 53));

    /// <summary>What happens to a row in a generation after the first: nothing, an update or a delete.</summary>
    public static RowChange ChangeOf(SampleSettings settings, long generation, long id, ulong salt)
    {
        if (generation == 0)
        {
            return RowChange.Update;
        }

        var u = Unit(Hash(settings.Seed, generation, id, salt));
        return u < settings.DeleteRate ? RowChange.Delete : u < settings.DeleteRate + settings.ChangeRate ? RowChange.Update : RowChange.None;
    }

    public static object?[] Customer(SampleSettings settings, long generation, long id)
    {
        var h = Hash(settings.Seed, 0, id, 1);
        var first = FirstNames[(int)(h % (ulong)FirstNames.Length)];
        var last = LastNames[(int)((h >> 8) % (ulong)LastNames.Length)];
        var invalid = Unit(Hash(settings.Seed, generation, id, 7)) < settings.InvalidRate;
        var email = invalid ? $"{first}.{last}{id}(at)example.com" : $"{first}.{last}{id}@example.com".ToLowerInvariant();
        var phone = $"+31 6 {(h >> 16) % 100_000_000:00000000}";
        var status = CustomerStatuses[(int)(Hash(settings.Seed, generation, id, 2) % (ulong)CustomerStatuses.Length)];
        return
        [
            id,
            $"{first} {last}",
            email,
            phone,
            Countries[(int)((h >> 24) % (ulong)Countries.Length)],
            status,
            new DateOnly(2020, 1, 1).AddDays((int)((h >> 32) % 2000)),
            UpdatedAt(generation, id),
        ];
    }

    public static object?[] Invoice(SampleSettings settings, long generation, long id)
    {
        var h = Hash(settings.Seed, 0, id, 3);
        var perCustomer = Math.Max(1, settings.InvoicesPerCustomer);
        var issued = new DateOnly(2025, 1, 1).AddDays((int)(h % 365));
        var invalid = Unit(Hash(settings.Seed, generation, id, 8)) < settings.InvalidRate;
        var amount = decimal.Divide((long)((h >> 16) % 500_000) + 100, 100m) * (invalid ? -1 : 1);
        return
        [
            id,
            ((id - 1) / perCustomer) + 1,
            $"INV-{id:000000000}",
            amount,
            Currencies[(int)((h >> 40) % (ulong)Currencies.Length)],
            InvoiceStatuses[(int)(Hash(settings.Seed, generation, id, 4) % (ulong)InvoiceStatuses.Length)],
            issued,
            issued.AddDays(30),
            UpdatedAt(generation, id),
        ];
    }
}
