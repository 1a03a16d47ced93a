namespace Daedalus.Tests.Sources.QuickBooks;

/// <summary>
/// One QuickBooks entity as the tests know it, typed. Fields are shared across entities and mean what the
/// entity's rendering (<see cref="FakeQuickBooksServer.Render"/>) makes of them: Amount is TotalAmt,
/// UnitPrice or nothing; Balance is Balance, CurrentBalance, UnappliedAmt or QtyOnHand; Kind is AccountType or Item Type.
/// </summary>
public sealed record QboFixture(
    string Entity,
    string Id,
    int SyncToken,
    DateTimeOffset Created,
    DateTimeOffset Updated,
    string? Name = null,
    string? DocNumber = null,
    DateOnly? TxnDate = null,
    DateOnly? DueDate = null,
    decimal? Amount = null,
    decimal? Balance = null,
    string? RefValue = null,
    string? RefName = null,
    string? Email = null,
    bool? Active = null,
    string? Kind = null,
    bool Deleted = false);
