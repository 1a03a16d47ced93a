using System.Globalization;
using Daedalus.Sources.Monday;

namespace Daedalus.Tests.Sources.Monday;

/// <summary>
/// A realistic board: fifteen typed columns (two titled "Status"; connect boards, mirror, formula, dependency and
/// subtasks columns computed from other items), empties, archived and deleted items.
/// </summary>
public static class MondayFixtures
{
    public const string BoardId = "1234567890";
    public static readonly DateTimeOffset Start = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly string[] Statuses = ["Working on it", "Done", "Stuck"];
    private static readonly string[] Groups = ["topics", "new_group29179", "group_title"];
    private static readonly string[] Tiers = ["Gold", "Silver", "Bronze"];

    public static IReadOnlyList<MondayColumn> Columns { get; } =
    [
        new("name", "Name", "name"),
        new("status", "Status", "status"),
        new("text", "Notes", "text"),
        new("numbers", "Budget (€)", "numbers"),
        new("date4", "Due date", "date"),
        new("checkbox", "Done?", "checkbox"),
        new("rating", "Priority", "rating"),
        new("hour", "Start time", "hour"),
        new("person", "Owner", "people"),
        new("timeline", "Timeline", "timeline"),
        new("email", "Email", "email"),
        new("status_1", "Status", "status"),
        new("connect_boards", "Client", "board_relation"),
        new("mirror", "Client tier", "mirror"),
        new("formula", "Score", "formula"),
        new("dependent_on", "Blocked by", "dependency"),
        new("subitems", "Subitems", "subtasks"),
    ];

    /// <summary>The "Client tier" mirror column shows this column of each linked client (an item on the clients board).</summary>
    public static string TierOf(long clientId) => Tiers[clientId % Tiers.Length];

    /// <summary>Items spread over ten days, one every ~11 minutes, oldest first.</summary>
    public static List<FixtureItem> Items(int count)
    {
        var items = new List<FixtureItem>(count);
        for (var i = 0; i < count; i++)
        {
            items.Add(Item(i, Start.AddMinutes(i * 11).AddSeconds(i % 60)));
        }

        return items;
    }

    public static FixtureItem Item(int i, DateTimeOffset updatedAt)
    {
        var empty = i % 7 == 3;
        var state = i % 97 == 5 ? "archived" : i % 151 == 9 ? "deleted" : "active";
        return new FixtureItem(
            Id: IdOf(i),
            Name: NameOf(i),
            Group: Groups[i % Groups.Length],
            State: state,
            UpdatedAt: updatedAt,
            Status: empty ? null : Statuses[i % Statuses.Length],
            Notes: empty ? null : $"note {i}, line\nwith \\ backslash",
            Budget: empty ? null : decimal.Parse(string.Create(CultureInfo.InvariantCulture, $"{(i * 37) % 10000}.{i % 100:00}"), CultureInfo.InvariantCulture),
            Due: empty ? null : new DateOnly(2026, 1, 1).AddDays(i % 365),
            Done: i % 3 == 0,
            Priority: empty ? null : (i % 5) + 1,
            StartTime: empty ? null : new TimeOnly(i % 24, i % 4 * 15),
            OwnerId: empty ? null : 40_000_000 + (i % 9),
            Timeline: empty ? null : (new DateOnly(2026, 2, 1).AddDays(i % 30), new DateOnly(2026, 3, 1).AddDays(i % 30)),
            Email: empty ? null : $"owner{i % 9}@example.com",
            Stage: i % 2 == 0 ? "Alpha" : null,
            Clients: empty ? [] : i % 4 == 1 ? [Client(i % 17), Client((i + 5) % 17)] : [Client(i % 17)],
            Score: empty ? null : string.Create(CultureInfo.InvariantCulture, $"{i * 7 % 100}.5"),
            BlockedBy: i % 5 == 2 ? [(IdOf(i - 1), NameOf(i - 1))] : [],
            Subitems: i % 6 == 0 ? [(6_000_000_000 + (i * 2), $"Sub {i}a"), (6_000_000_001 + (i * 2), $"Sub {i}b")] : []);
    }

    public static long IdOf(int i) => 5_000_000_000 + (i * 13);

    private static string NameOf(int i) => $"Task {i:0000} – \"quoted\" naïve";

    /// <summary>An item on the clients board, which the "Client" connect boards column links to.</summary>
    private static (long Id, string Name) Client(int k) => (7_100_000_000 + k, $"Client {k}, Ltd.");
}
