using Daedalus.Storage;

namespace Daedalus.Configuration;

/// <summary>
/// One target table, one owner: two streams loading into one table would merge their rows by key, each with its own
/// cursor and ledger, and silently overwrite each other's rows while every run reports success.
/// </summary>
/// <remarks>
/// Targets compare the way PostgreSQL resolves them: schema and table names are validated as
/// <see cref="SqlIdentifier"/>s (lower case, at most 63 characters, so never folded nor truncated) and always
/// emitted double-quoted, so two targets name the same relation exactly when their texts are equal. Targets that are
/// not valid identifiers are the validator's to report and are skipped here.
/// </remarks>
public static class TargetOwnership
{
    public const string Rule = "a table has one owner (two streams loading into one table would overwrite each other's rows); target another table, or delete the owner first";

    /// <summary>The effective targets of a definition (a stream without a target was given its default when it was read).</summary>
    public static IEnumerable<TargetClaim> Claims(SourceDefinition source) =>
        source.Streams
            .Where(s => SqlIdentifier.IsValid(s.Target.Schema) && SqlIdentifier.IsValid(s.Target.Table))
            .Select(s => new TargetClaim(source.Name, s.Name, s.Target.Schema, s.Target.Table));

    /// <summary>Whether two claims are on one relation (see the remarks on identifier comparison).</summary>
    public static bool SameTable(TargetClaim a, TargetClaim b) =>
        string.Equals(a.Schema, b.Schema, StringComparison.Ordinal) && string.Equals(a.Table, b.Table, StringComparison.Ordinal);

    /// <summary>
    /// The streams of <paramref name="sources"/>, in order, that target a table an earlier stream of another source
    /// targets (two streams of one source are the validator's to report).
    /// </summary>
    public static IEnumerable<TargetClash> Clashes(IEnumerable<SourceDefinition> sources)
    {
        var owners = new Dictionary<(string Schema, string Table), TargetClaim>();
        foreach (var source in sources)
        {
            var claims = Claims(source).ToList();
            foreach (var claim in claims)
            {
                if (owners.TryGetValue((claim.Schema, claim.Table), out var owner))
                {
                    yield return new TargetClash(claim, owner);
                }
            }

            // Added after the source's own streams were checked: two streams of one source are not a clash here.
            foreach (var claim in claims)
            {
                owners.TryAdd((claim.Schema, claim.Table), claim);
            }
        }
    }
}
