using Daedalus.Api;
using Daedalus.Client;
using Daedalus.Configuration;
using Daedalus.Storage;

namespace Daedalus.Application.Sources;

/// <summary>
/// Source definitions: list, get, create, replace, patch, delete. Validation is the YAML's
/// (<see cref="SourceDefinitionValidator"/>); writes are optimistic-concurrency safe (versions, If-Match) and atomic
/// in <see cref="SourceCatalog"/>, so concurrent writers never lose each other's changes and a deleted source stays
/// deleted.
/// </summary>
public sealed class SourceService
{
    private readonly SourceCatalog _catalog;
    private readonly SourceDefinitionValidator _validator;

    public SourceService(SourceCatalog catalog, SourceDefinitionValidator validator)
    {
        _catalog = catalog;
        _validator = validator;
    }

    public async Task<IReadOnlyList<SourceSpec>> ListAsync(CancellationToken cancellationToken) =>
        (await _catalog.ListAsync(cancellationToken)).Select(Answer).ToList();

    public async Task<ServiceResult<VersionedSource>> GetAsync(string name, CancellationToken cancellationToken) =>
        await _catalog.GetVersionedAsync(name, cancellationToken) is { } stored
            ? new VersionedSource(Answer(stored.Definition), stored.Version)
            : NotFound(name);

    /// <summary>Creates a source; 409 when one of that name exists.</summary>
    public async Task<ServiceResult<VersionedSource>> CreateAsync(SourceSpec spec, string actor, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(spec.Name))
        {
            return ServiceError.Invalid("$.name", "required");
        }

        var validated = Validate(spec, spec.Name);
        if (!validated.IsOk)
        {
            return validated.Error;
        }

        var source = validated.Value;
        try
        {
            return await _catalog.CreateVersionedAsync(source, actor, cancellationToken) is { } version
                ? new VersionedSource(Answer(source), version, Created: true)
                : ServiceError.Conflict($"A source named '{source.Name}' exists already; replace it with PUT {ApiPaths.Source(source.Name)}.");
        }
        catch (TargetTakenException ex)
        {
            return Taken(ex);
        }
    }

    /// <summary>Creates or replaces the whole source (only the given version when <paramref name="condition"/> names one).</summary>
    public async Task<ServiceResult<VersionedSource>> ReplaceAsync(string name, SourceSpec spec, SourcePrecondition condition, string actor, CancellationToken cancellationToken)
    {
        if (spec.Name is { } bodyName && bodyName != name)
        {
            return ServiceError.Invalid("$.name", $"must match the name in the URL ('{Printable(name)}') or be omitted; to rename, create the new source and delete the old one");
        }

        var validated = Validate(spec, name);
        if (!validated.IsOk)
        {
            return validated.Error;
        }

        var source = validated.Value;
        try
        {
            if (condition.Any)
            {
                // "*": replace whatever version exists, but only an existing source.
                var (outcome, stored) = await _catalog.UpdateAsync(name, null, _ => source, actor, cancellationToken);
                return outcome == SourceWrite.Updated ? new VersionedSource(Answer(stored!.Definition), stored.Version) : Stale(name);
            }

            var (written, version) = await _catalog.ReplaceAsync(source, condition.ExpectedVersion, actor, cancellationToken);
            return written switch
            {
                SourceWrite.Created or SourceWrite.Updated => new VersionedSource(Answer(source), version, written == SourceWrite.Created),
                _ => Stale(name),
            };
        }
        catch (TargetTakenException ex)
        {
            return Taken(ex);
        }
    }

    /// <summary>
    /// Enable, disable or reschedule without resending the whole source: applied under the source's row lock to what is
    /// stored at that moment, so a concurrent PUT's other fields survive and a concurrent DELETE is never undone (404).
    /// </summary>
    public async Task<ServiceResult<VersionedSource>> PatchAsync(string name, SourcePatch patch, SourcePrecondition condition, string actor, CancellationToken cancellationToken)
    {
        IReadOnlyList<ConfigError> errors = [];
        SourceWrite outcome;
        StoredSource? stored;
        try
        {
            (outcome, stored) = await _catalog.UpdateAsync(
                name,
                condition.ExpectedVersion,
                source =>
                {
                    source.Enabled = patch.Enabled ?? source.Enabled;
                    source.Schedule = patch.Schedule ?? source.Schedule;
                    // A PATCH cannot change settings, so a credential refusal names one stored before the rule: it must not
                    // stop that source from being disabled or rescheduled (the answer masks it; PUT is how it is fixed).
                    errors = _validator.Validate(source, "$").Where(e => !PlainTextCredentialRule.IsRefusal(e.Message)).ToList();
                    return errors.Count == 0 ? source : null;
                },
                actor,
                cancellationToken);
        }
        catch (TargetTakenException ex)
        {
            return Taken(ex);
        }

        return outcome switch
        {
            SourceWrite.Updated => new VersionedSource(Answer(stored!.Definition), stored.Version),
            SourceWrite.Invalid => ServiceError.Invalid(Group(errors)),
            SourceWrite.Missing when !condition.Present => NotFound(name),
            _ => Stale(name),
        };
    }

    /// <summary>Deletes the definition (loaded data, history and cursors stay).</summary>
    public async Task<ServiceResult<bool>> DeleteAsync(string name, SourcePrecondition condition, string actor, CancellationToken cancellationToken) =>
        await _catalog.DeleteAsync(name, condition.ExpectedVersion, actor, cancellationToken) switch
        {
            SourceWrite.Deleted => true,
            SourceWrite.Missing when !condition.Present => NotFound(name),
            _ => Stale(name),
        };

    /// <summary>The source, or a 404 naming it.</summary>
    public async Task<ServiceResult<SourceDefinition>> FindAsync(string name, CancellationToken cancellationToken) =>
        await _catalog.GetAsync(name, cancellationToken) is { } source ? source : NotFound(name);

    public static ServiceError NotFound(string name) => ServiceError.NotFound($"There is no source named '{Printable(name)}'.");

    /// <summary>Names from a URL may be anything; echo them only when short and printable.</summary>
    public static string Printable(string text) =>
        text.Length <= 64 && text.All(c => c >= ' ' && c < 0x7f) ? text : "(unprintable name)";

    public static IReadOnlyDictionary<string, string[]> Group(IEnumerable<ConfigError> errors) =>
        errors.GroupBy(e => e.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.Message).Distinct(StringComparer.Ordinal).ToArray());

    /// <summary>A table owned by another source: a 422 on each refused stream's target, naming the owner.</summary>
    private static ServiceError Taken(TargetTakenException ex) =>
        ServiceError.Invalid(Group(ex.Clashes.Select(c => new ConfigError($"$.{c.Field}", c.Message))));

    /// <summary>A stored definition as the API answers it: credentials stored before they were refused are masked.</summary>
    private static SourceSpec Answer(SourceDefinition source) => SourceSpecCredentialMask.Apply(SourceSpecMapper.ToSpec(source));

    private static ServiceError Stale(string name) => ServiceError.PreconditionFailed(
        $"Source '{Printable(name)}' is not at the version given in If-Match (it changed or was deleted); GET it again and retry with its ETag.");

    private ServiceResult<SourceDefinition> Validate(SourceSpec spec, string name)
    {
        var errors = new List<ConfigError>();
        var source = SourceSpecMapper.ToDefinition(spec, name, errors);
        errors.AddRange(_validator.Validate(source, "$")
            .Select(e => e.Path == "$" && e.Message.StartsWith("source name", StringComparison.Ordinal) ? e with { Path = "$.name" } : e));
        return errors.Count > 0 ? ServiceError.Invalid(Group(errors)) : source;
    }
}
