using Microsoft.Extensions.Options;

namespace Daedalus.Retention;

/// <summary>Refuses unusable <c>Daedalus:Retention</c> settings on start, each problem named.</summary>
public sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options) =>
        options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
