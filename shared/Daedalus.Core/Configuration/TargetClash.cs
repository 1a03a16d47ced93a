namespace Daedalus.Configuration;

/// <summary>A stream (<paramref name="Claim"/>) that targets a table <paramref name="Owner"/> already loads into.</summary>
public sealed record TargetClash(TargetClaim Claim, TargetClaim Owner)
{
    /// <summary>The field of the refused definition: its stream's target.</summary>
    public string Field => $"streams.{Claim.Stream}.target";

    public string Message =>
        $"table {Claim.QualifiedTable} is already the target of stream '{Owner.Stream}' of source '{Owner.Source}': {TargetOwnership.Rule}";
}
